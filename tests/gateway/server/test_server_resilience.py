"""Resilience against real subgraph processes: SIGKILLed and restarted on the same port, or
failing every other request.

- The circuit opens after consecutive failures: the next requests get SUBGRAPH_CIRCUIT_OPEN at
  once; after the cool-down one probe finds the restarted subgraph and the circuit closes.
- A query is retried until a restarted subgraph answers (within the deadline); a mutation to
  a dead subgraph fails at once.
- Against a subgraph answering 503 every other time, a query costs two subgraph requests and
  succeeds; a mutation costs one and fails (counted by the subgraph itself).
"""

from __future__ import annotations

import os
import signal
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from devstack.processes import Service, free_port, start_service
from tests.gateway.server.server_support import (
    HERE,
    START_TIMEOUT,
    people_supergraph,
    post_json,
    python_env,
    start_gateway_process,
)

pytestmark = pytest.mark.integration

QUERY = {"query": "{ people { id } }"}
PEOPLE = {"data": {"people": [{"id": "1"}, {"id": "2"}]}}
MUTATION = {"query": 'mutation { rename(id: "2", name: "Grace") { name } }'}


def _subgraph(script: str, port: int, log_dir: Path) -> Service:
    argv = [sys.executable, str(HERE / script), str(port)]
    health = f"http://127.0.0.1:{port}/health"
    log = log_dir / f"{Path(script).stem}.log"
    return start_service("people", argv, python_env(), health, log, START_TIMEOUT, port=port)


def _kill(service: Service) -> None:
    os.kill(service.pid, signal.SIGKILL)
    service.stop(grace=2)  # reaps it


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def restartable(port: int, tmp_path: Path) -> Iterator[list[Service]]:
    """The people subgraph on a port of its own; the test may kill it and start it again."""
    services = [_subgraph("server_subgraph.py", port, tmp_path)]
    try:
        yield services
    finally:
        for service in services:
            service.stop(grace=2)


def _gateway(port: int, directory: Path, env: dict[str, str], route: str = "/graphql") -> Service:
    path = directory / "supergraph.graphql"
    path.write_text(people_supergraph(f"http://127.0.0.1:{port}{route}"), encoding="utf-8")
    return start_gateway_process(["--supergraph", str(path)], directory / "gateway.log", env)


def _code(reply_json: dict[str, object]) -> object:
    errors = reply_json.get("errors")
    assert isinstance(errors, list), reply_json
    return errors[0]["extensions"]["code"]


def test_the_circuit_opens_on_a_killed_subgraph_and_a_probe_closes_it_after_restart(
    restartable: list[Service], port: int, tmp_path: Path
) -> None:
    env = {
        "GATEWAY_BREAKER_COOLDOWN": "1",
        "GATEWAY_BREAKER_CONSECUTIVE_FAILURES": "5",
        "GATEWAY_METRICS_ENABLED": "true",
    }
    gateway = _gateway(port, tmp_path, env)
    try:
        assert post_json(gateway.port, QUERY).json() == PEOPLE
        assert _circuit(gateway.port) == ("closed", 0.0)
        _kill(restartable[0])
        codes = []
        for _ in range(10):
            started = time.monotonic()
            reply = post_json(gateway.port, QUERY)
            codes.append(_code(reply.json()))
            if codes[-1] == "SUBGRAPH_CIRCUIT_OPEN":
                assert time.monotonic() - started < 0.2  # no connection was tried
                assert reply.json()["data"] is None
                assert (reply.status, reply.headers["retry-after"]) == (503, "5")  # an outage
                break
        assert codes[0] == "SUBREQUEST_HTTP_ERROR"
        assert codes[-1] == "SUBGRAPH_CIRCUIT_OPEN", codes
        # What /metrics says at the scrape (half open once the 1 s cool-down has passed).
        assert _circuit(gateway.port) in {("open", 1.0), ("half_open", 1.0)}
        restartable.append(_subgraph("server_subgraph.py", port, tmp_path))
        deadline = time.monotonic() + 10
        while (body := post_json(gateway.port, QUERY).json()) != PEOPLE:
            assert _code(body) == "SUBGRAPH_CIRCUIT_OPEN"  # until the cool-down ends
            assert time.monotonic() < deadline, "the circuit never closed"
            time.sleep(0.1)
        assert _circuit(gateway.port) == ("closed", 0.0)
    finally:
        gateway.stop()


def _circuit(gateway_port: int) -> tuple[str, float]:
    """The people subgraph's circuit as `/metrics` reports it: (state, value)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{gateway_port}/metrics", timeout=10) as page:
        text = page.read().decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "gateway_subgraph_circuit_open":
                return sample.labels["state"], sample.value
    raise AssertionError("no circuit in /metrics")


def test_a_query_is_retried_until_the_restarted_subgraph_answers_a_mutation_is_not(
    restartable: list[Service], port: int, tmp_path: Path
) -> None:
    env = {
        "GATEWAY_BREAKER_CONSECUTIVE_FAILURES": "0",
        "GATEWAY_BREAKER_FAILURE_RATE": "0",
        "GATEWAY_RETRY_MAX_RETRIES": "10",
        "GATEWAY_RETRY_BACKOFF_BASE": "1",
        "GATEWAY_RETRY_BACKOFF_MAX": "2",
        "GATEWAY_REQUEST_TIMEOUT": "25",
        "GATEWAY_SUBGRAPH_TIMEOUT": "25",
    }
    gateway = _gateway(port, tmp_path, env)
    try:
        assert post_json(gateway.port, QUERY).json() == PEOPLE
        _kill(restartable[0])
        started = time.monotonic()
        refused = post_json(gateway.port, MUTATION).json()
        assert _code(refused) == "SUBREQUEST_HTTP_ERROR"
        assert time.monotonic() - started < 1.0  # never retried
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(post_json, gateway.port, QUERY)
            time.sleep(0.5)
            restartable.append(_subgraph("server_subgraph.py", port, tmp_path))
            reply = pending.result(timeout=40)
        assert reply.json() == PEOPLE
    finally:
        gateway.stop()


def _posts(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/posts", timeout=10) as answer:
        return int(answer.read())


def test_against_503s_a_query_is_sent_twice_and_a_mutation_once(port: int, tmp_path: Path) -> None:
    flaky = _subgraph("flaky_subgraph.py", port, tmp_path)
    env = {"GATEWAY_BREAKER_CONSECUTIVE_FAILURES": "0"}
    gateway = _gateway(port, tmp_path, env, "/graphql/")  # no redirect: one POST per attempt
    try:
        for _ in range(3):
            before = _posts(port)
            assert post_json(gateway.port, QUERY).json() == PEOPLE
            assert _posts(port) - before == 2
        for _ in range(2):
            before = _posts(port)
            body = post_json(gateway.port, MUTATION).json()
            assert _code(body) == "SUBREQUEST_HTTP_ERROR"
            assert _posts(port) - before == 1
            post_json(gateway.port, QUERY)  # a request that reaches it, to realign
    finally:
        gateway.stop()
        flaky.stop(grace=2)
