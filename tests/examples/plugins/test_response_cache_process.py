"""The response cache example in a real gateway process before the real `people` subgraph:
after a rename at the subgraph, the cached operation still answers the old name (the subgraph
was not asked) while another operation sees the new one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.processes import Service
from tests.gateway.server.server_support import post_json, start_gateway_process

pytestmark = pytest.mark.integration

NAMES = "query Names { person(id: 1) { name } }"
OTHER = "query Other { person(id: 1) { name } }"


@pytest.fixture(scope="module")
def cached(work_dir: Path, supergraph_file: Path) -> Iterator[Service]:
    config = work_dir / "response-cache.yaml"
    config.write_text(
        "plugins:\n"
        "  - use: examples.plugins.response_cache:ResponseCache\n"
        "    config: {operation: Names, ttl: 600}\n",
        encoding="utf-8",
    )
    args = ["--config", str(config), "--supergraph", str(supergraph_file)]
    gateway = start_gateway_process(args, work_dir / "response-cache.log")
    try:
        yield gateway
    finally:
        gateway.stop()


def _name(gateway: Service, query: str) -> Any:
    reply = post_json(gateway.port, {"query": query})
    assert reply.status == 200, reply.body
    return reply.json()["data"]["person"]["name"]


def _rename(gateway: Service, name: str) -> None:
    mutation = f'mutation {{ rename(id: 1, name: "{name}") {{ name }} }}'
    assert post_json(gateway.port, {"query": mutation}).json()["data"]["rename"]["name"] == name


def test_the_cached_operation_is_answered_without_the_subgraph(cached: Service) -> None:
    assert _name(cached, NAMES) == "Ada Lovelace"  # kept
    try:
        _rename(cached, "Augusta Ada King")  # mutations are never cached
        assert _name(cached, NAMES) == "Ada Lovelace"  # from the cache: the subgraph was spared
        assert _name(cached, OTHER) == "Augusta Ada King"  # not cached: asked
    finally:
        _rename(cached, "Ada Lovelace")  # the subgraph is shared by the other example tests
