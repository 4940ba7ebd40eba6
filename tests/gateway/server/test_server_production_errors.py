"""Production errors show no internals: a dead subgraph is named, never its address.

A production-mode gateway process serves a supergraph whose only subgraph listens nowhere. The
client learns which subgraph failed, but not its host:port or the HTTP client's own text, and
validation errors carry no "Did you mean ...?" hints (a dev-mode gateway still gives them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import Service, free_port
from tests.gateway.server.server_support import people_supergraph, post_json, start_gateway_process

pytestmark = pytest.mark.integration

TYPO = '{ person(id: "1") { nam } }'


@pytest.fixture(scope="module")
def dead_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def production_gateway(server_dir: Path, dead_port: int) -> Iterator[Service]:
    path = server_dir / "supergraph-dead-subgraph.graphql"
    path.write_text(people_supergraph(f"http://127.0.0.1:{dead_port}/graphql"), encoding="utf-8")
    args = ["--supergraph", str(path), "--production"]
    service = start_gateway_process(args, server_dir / "gateway-production.log")
    try:
        yield service
    finally:
        service.stop()


def test_a_dead_subgraph_is_named_without_its_address(
    production_gateway: Service, dead_port: int
) -> None:
    reply = post_json(production_gateway.port, {"query": '{ person(id: "1") { name } }'})
    [error] = reply.json()["errors"]
    assert error["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "people"}
    assert "people" in error["message"]
    for internal in (str(dead_port), "127.0.0.1", "Cannot connect", "ssl", "Errno"):
        assert internal not in error["message"], error["message"]


def test_production_validation_errors_make_no_suggestions(production_gateway: Service) -> None:
    [error] = post_json(production_gateway.port, {"query": TYPO}).json()["errors"]
    assert error["message"] == "Cannot query field 'nam' on type 'Person'."
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_dev_mode_still_suggests(gateway: Service) -> None:
    [error] = post_json(gateway.port, {"query": TYPO}).json()["errors"]
    assert "Did you mean 'name'?" in error["message"]
