"""The FastAPI embedding example as a real uvicorn process before the real `people` subgraph:
the application's own routes and the mounted gateway answer side by side."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from devstack.processes import Service, free_port, start_service
from examples.embedding.fastapi_app import MOUNT
from tests.gateway.server.server_support import (
    START_TIMEOUT,
    call,
    people_supergraph,
    python_env,
    start_people_subgraph,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def app(test_output_root: Path) -> Iterator[Service]:
    work = test_output_root / "examples-embedding"
    work.mkdir(parents=True, exist_ok=True)
    people = start_people_subgraph(work)
    try:
        supergraph = work / "supergraph.graphql"
        supergraph.write_text(people_supergraph(people.url + "/graphql"), encoding="utf-8")
        port = free_port()
        argv = [sys.executable, "-m", "uvicorn", "--factory"]
        argv += ["examples.embedding.fastapi_app:build", "--host", "127.0.0.1"]
        argv += ["--port", str(port)]
        env = python_env({"GATEWAY_SUPERGRAPH": str(supergraph), "GATEWAY_MODE": "production"})
        health = f"http://127.0.0.1:{port}{MOUNT}/health"
        service = start_service(
            "embedded", argv, env, health, work / "app.log", START_TIMEOUT, port=port
        )
        try:
            yield service
        finally:
            service.stop()
    finally:
        people.stop()


def _graphql(app: Service, query: str) -> tuple[int, object]:
    body = orjson.dumps({"query": query})
    reply = call(app.port, "POST", f"{MOUNT}/graphql", body, {"content-type": "application/json"})
    return reply.status, reply.json()


def test_the_mounted_gateway_answers_graphql(app: Service) -> None:
    status, body = _graphql(app, "query Names { people { name } }")
    assert status == 200
    assert body == {"data": {"people": [{"name": "Ada Lovelace"}, {"name": "Grace Hopper"}]}}
    status, body = _graphql(app, "{ nope }")
    assert status == 200  # `application/json`: request errors are 200, as the spec allows
    assert isinstance(body, dict)
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_the_application_routes_answer_beside_it(app: Service) -> None:
    status = call(app.port, "GET", "/status")
    assert status.status == 200
    found = status.json()
    assert found["app"] == "ok"
    assert found["supergraph"]  # the hash of the supergraph the mounted gateway serves
    names = call(app.port, "GET", "/people/names")
    assert names.status == 200
    assert names.json() == ["Ada Lovelace", "Grace Hopper"]
    assert call(app.port, "GET", "/nowhere").status == 404


def test_a_plugin_given_in_code_is_read_by_the_application(app: Service) -> None:
    before = call(app.port, "GET", "/stats").json()
    for _ in range(2):
        assert _graphql(app, "query Counted { people { id } }")[0] == 200
    after = call(app.port, "GET", "/stats").json()
    assert after["Counted"] == before.get("Counted", 0) + 2
