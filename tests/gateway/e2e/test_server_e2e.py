"""The real server process (`python -m gateway serve`) in front of the e2e subgraphs.

The same operations through HTTP give the same bodies as the runtime gives in-process, request
errors get GraphQL-over-HTTP status codes, and a stopped subgraph gives partial data.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from devstack.processes import Service, free_port, start_service
from gateway.runtime import Gateway
from tests.gateway.e2e.e2e_subgraphs import USERS
from tests.gateway.e2e.e2e_support import ROOT, Stack, run

pytestmark = [pytest.mark.node, pytest.mark.integration]  # composition and one subgraph run on node

RESPONSE_JSON = "application/graphql-response+json"


@pytest.fixture(scope="module")
def server(e2e_stack: Stack) -> Iterator[Service]:
    port = free_port()
    argv = [
        sys.executable, "-m", "gateway", "serve",
        "--supergraph", str(e2e_stack.log_dir / "supergraph.graphql"),
        "--port", str(port), "--dev", "--log-level", "warning",
    ]  # fmt: skip
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "GATEWAY_SUBGRAPH_TIMEOUT": "2"}
    log_path = e2e_stack.log_dir / "gateway-server.log"
    service = start_service(
        "gateway", argv, env, f"http://127.0.0.1:{port}/health", log_path, 60, port=port
    )
    try:
        yield service
    finally:
        service.stop()


def post(
    server: Service, body: dict[str, Any], headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{server.url}/graphql",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json", "accept": RESPONSE_JSON, **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


QUERY = "{ me { name reviews { body product { name inStock } } } }"


async def test_same_body_as_the_runtime(
    e2e_stack: Stack, gateway: Gateway, server: Service
) -> None:
    before = e2e_stack.counts()
    status, body = post(server, {"query": QUERY})
    after = e2e_stack.counts()
    assert status == 200
    assert body == await run(gateway, QUERY)
    assert body["data"]["me"]["name"] == USERS["u1"]["name"]
    assert after["accounts"] - before["accounts"] == 1
    assert after["reviews"] - before["reviews"] == 1
    assert after["inventory"] - before["inventory"] == 1


def test_request_errors_are_400(server: Service) -> None:
    status, body = post(server, {"query": "{ me { nope } }"})
    assert status == 400
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    status, body = post(server, {"query": "query($n: Int) { topProducts(first: $n) { upc } }",
                                 "variables": {"n": "x"}})  # fmt: skip
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_stopped_subgraph_through_the_server(e2e_stack: Stack, server: Service) -> None:
    e2e_stack.services["reviews"].stop()
    try:
        started = time.monotonic()
        status, body = post(server, {"query": "{ me { name reviews { body } } users { name } }"})
        assert time.monotonic() - started < 3
    finally:
        e2e_stack.restart("reviews")
    assert status == 200
    assert body["data"]["me"] is None
    assert [u["name"] for u in body["data"]["users"]] == [u["name"] for u in USERS.values()]
    assert body["errors"][0]["extensions"]["serviceName"] == "reviews"
