"""Subgraph URL and timeout overrides reach the transport: `GATEWAY_SUBGRAPH_URL_<NAME>` etc."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import Service, free_port
from tests.gateway.server.server_support import people_supergraph, post_json, start_gateway_process

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def overridden_gateway(people_subgraph: Service, server_dir: Path) -> Iterator[Service]:
    """A gateway whose supergraph names a dead URL, fixed by the environment; 0.5 s timeout."""
    supergraph = server_dir / "supergraph-dead-url.graphql"
    dead = f"http://127.0.0.1:{free_port()}/graphql"
    supergraph.write_text(people_supergraph(dead), encoding="utf-8")
    env = {
        "GATEWAY_SUBGRAPH_URL_PEOPLE": f"{people_subgraph.url}/graphql",
        "GATEWAY_SUBGRAPH_TIMEOUT_PEOPLE": "0.5",
    }
    log_path = server_dir / "gateway-overrides.log"
    service = start_gateway_process(["--supergraph", str(supergraph)], log_path, env)
    try:
        yield service
    finally:
        service.stop()


def test_url_override_wins_over_the_supergraph(overridden_gateway: Service) -> None:
    reply = post_json(overridden_gateway.port, {"query": '{ person(id: "2") { name } }'})
    assert reply.json() == {"data": {"person": {"name": "Grace Hopper"}}}


def test_per_subgraph_timeout_applies(overridden_gateway: Service) -> None:
    reply = post_json(overridden_gateway.port, {"query": "{ slow(seconds: 3) }"})
    body = reply.json()
    assert reply.status == 200
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "SUBREQUEST_TIMEOUT"
    quick = post_json(overridden_gateway.port, {"query": "{ slow(seconds: 0.05) }"})
    assert quick.json() == {"data": {"slow": "slept 0.05"}}
