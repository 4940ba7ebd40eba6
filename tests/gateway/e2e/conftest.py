"""End-to-end fixtures: the running subgraphs (session-wide) and our gateway in front of them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from e2e_support import NODE_SUBGRAPHS, PYTHON_SUBGRAPHS, Stack, compose, start_subgraph

from devstack.processes import Service, free_port
from devstack.stack import stop_all
from gateway.executor import HttpTransport, HttpTransportOptions
from gateway.runtime import Gateway
from gateway.supergraph import Supergraph, load_supergraph


@pytest.fixture(scope="session")
def e2e_stack(test_output_root: Path) -> Iterator[Stack]:
    log_dir = test_output_root / "e2e-subgraphs"
    services: dict[str, Service] = {}
    try:
        for name in (*PYTHON_SUBGRAPHS, *NODE_SUBGRAPHS):
            services[name] = start_subgraph(name, free_port(), log_dir)
        sdl = compose(services)
        (log_dir / "supergraph.graphql").write_text(sdl)
        supergraph = load_supergraph(sdl)
        assert isinstance(supergraph, Supergraph), supergraph
        yield Stack(services=services, supergraph_sdl=sdl, supergraph=supergraph, log_dir=log_dir)
    finally:
        stop_all(services.values())


@pytest.fixture(scope="session")
async def gateway(e2e_stack: Stack) -> AsyncIterator[Gateway]:
    urls = {name: info.url for name, info in e2e_stack.supergraph.subgraphs.items()}
    transport = HttpTransport(HttpTransportOptions(urls=urls, default_timeout=2.0))
    await transport.start()
    try:
        yield Gateway(e2e_stack.supergraph, transport)
    finally:
        await transport.close()
