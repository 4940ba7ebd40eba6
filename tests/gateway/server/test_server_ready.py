"""`/ready` tells the truth within a second: 503 while a required subgraph is stopped or killed.

The `people` subgraph here is a process of this test's own (the module fixture's is shared), so
it can be stopped with SIGSTOP (accepts connections, never answers) and killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import Service
from tests.gateway.server.server_support import (
    call,
    people_supergraph,
    post_json,
    start_gateway_process,
    start_people_subgraph,
)

pytestmark = pytest.mark.integration

BOUND = 1.5  # /ready answers within 0.8 s; generous for a loaded machine


@pytest.fixture
def own_people(tmp_path: Path) -> Iterator[Service]:
    service = start_people_subgraph(tmp_path)
    try:
        yield service
    finally:
        if service.is_running():
            os.kill(service.pid, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
        service.stop(grace=2)


def _ready(port: int) -> tuple[int, dict[str, object], float]:
    started = time.monotonic()
    reply = call(port, "GET", "/ready", timeout=10)
    return reply.status, reply.json(), time.monotonic() - started


def _gateway(people: Service, directory: Path, env: dict[str, str] | None = None) -> Service:
    path = directory / "supergraph.graphql"
    path.write_text(people_supergraph(f"{people.url}/graphql"), encoding="utf-8")
    return start_gateway_process(["--supergraph", str(path)], directory / "gateway.log", env)


def test_ready_is_503_while_a_required_subgraph_is_stopped_or_killed(
    own_people: Service, tmp_path: Path
) -> None:
    gateway = _gateway(own_people, tmp_path)
    try:
        status, body, _ = _ready(gateway.port)
        assert (status, body["status"], body["subgraphs"]) == (200, "ready", ["people"])
        os.kill(own_people.pid, signal.SIGSTOP)
        try:
            time.sleep(1.1)  # past the reuse window of the last probe
            status, body, seconds = _ready(gateway.port)
            assert (status, body["down"]) == (503, ["people"])
            assert seconds < BOUND, seconds
        finally:
            os.kill(own_people.pid, signal.SIGCONT)
        deadline = time.monotonic() + 10
        while _ready(gateway.port)[0] != 200:
            assert time.monotonic() < deadline, "the gateway never became ready again"
            time.sleep(0.2)
        os.kill(own_people.pid, signal.SIGKILL)
        time.sleep(1.1)
        status, body, seconds = _ready(gateway.port)
        assert (status, body["down"]) == (503, ["people"])
        assert "people" in str(body["reason"])
        assert seconds < BOUND, seconds
        assert call(gateway.port, "GET", "/health").status == 200  # alive all the same
    finally:
        gateway.stop()


def test_subgraphs_left_out_of_readiness_do_not_make_it_unready(
    own_people: Service, tmp_path: Path
) -> None:
    gateway = _gateway(own_people, tmp_path, {"GATEWAY_READINESS_SUBGRAPHS": ""})
    try:
        os.kill(own_people.pid, signal.SIGKILL)
        time.sleep(0.2)
        status, body, _ = _ready(gateway.port)
        assert (status, body["status"]) == (200, "ready")
        reply = post_json(gateway.port, {"query": '{ person(id: "1") { name } }'})
        assert reply.json()["errors"][0]["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
    finally:
        gateway.stop()
