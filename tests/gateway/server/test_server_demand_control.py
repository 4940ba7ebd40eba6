"""Demand control through a real gateway process: `measure` reports and runs, `enforce` refuses,
and `limits.expose_cost` puts the estimated and actual cost in `extensions.cost`.

`{ people { id } }` is estimated at 10 (no `@listSize`: the default size 10 times a Person
at 1); the people subgraph has two, so its actual cost is 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import Service
from tests.gateway.server.server_support import post_json, start_gateway_process

PEOPLE = {"query": "{ people { id } }"}
ONE = {"query": '{ person(id: "1") { name } }'}


def _start(supergraph_file: Path, log: Path, mode: str) -> Service:
    env = {
        "GATEWAY_LIMITS_MAX_COST": "5",
        "GATEWAY_LIMITS_COST_MODE": mode,
        "GATEWAY_LIMITS_EXPOSE_COST": "true",
        "GATEWAY_BATCHING_ENABLED": "true",
    }
    return start_gateway_process(["--supergraph", str(supergraph_file)], log, env)


@pytest.fixture(scope="module")
def measuring(supergraph_file: Path, server_dir: Path) -> Iterator[Service]:
    service = _start(supergraph_file, server_dir / "gateway-measure.log", "measure")
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="module")
def enforcing(supergraph_file: Path, server_dir: Path) -> Iterator[Service]:
    service = _start(supergraph_file, server_dir / "gateway-enforce.log", "enforce")
    try:
        yield service
    finally:
        service.stop()


def test_measure_runs_an_expensive_operation_and_reports_it(measuring: Service) -> None:
    body = post_json(measuring.port, PEOPLE).json()
    assert body["data"] == {"people": [{"id": "1"}, {"id": "2"}]}
    assert body["extensions"]["cost"] == {
        "estimated": 10,
        "actual": 2,
        "max": 5,
        "mode": "measure",
        "result": "COST_ESTIMATED_TOO_EXPENSIVE",
    }


def test_enforce_refuses_above_the_limit(enforcing: Service) -> None:
    body = post_json(enforcing.port, PEOPLE).json()
    assert "data" not in body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert error["extensions"]["cost"] == {"estimated": 10, "max": 5}


def test_enforce_reports_a_cheap_operation(enforcing: Service) -> None:
    body = post_json(enforcing.port, ONE).json()
    assert body["data"] == {"person": {"name": "Ada Lovelace"}}
    assert body["extensions"]["cost"] == {
        "estimated": 1,
        "actual": 1,
        "max": 5,
        "mode": "enforce",
        "result": "COST_OK",
    }


def test_costs_are_not_reported_unless_asked(gateway: Service) -> None:
    assert "extensions" not in post_json(gateway.port, PEOPLE).json()


def test_each_batch_item_reports_its_own_cost(measuring: Service) -> None:
    """The estimate travels with the request's own task: concurrent items never mix them."""
    bodies = post_json(measuring.port, [PEOPLE, ONE, PEOPLE]).json()
    assert [body["extensions"]["cost"]["estimated"] for body in bodies] == [10, 1, 10]
    assert [body["extensions"]["cost"]["actual"] for body in bodies] == [2, 1, 2]
