"""End-to-end fixtures: the running subgraphs (session-wide) and our gateway in front of them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from devstack.processes import Service, free_port, start_process, stop_pid, wait_until
from devstack.stack import stop_all
from gateway.runtime import Gateway
from gateway.supergraph import Supergraph, load_supergraph
from gateway.transports import HttpTransport, HttpTransportOptions
from tests.gateway.e2e.e2e_support import (
    HERE,
    NODE_SUBGRAPHS,
    PYTHON_SUBGRAPHS,
    Stack,
    compose,
    node_env,
    start_subgraph,
)
from tests.gateway.e2e.feature_support import (  # noqa: F401 (fixtures shared by the feature test modules)
    apollo_gateways,
    feature_gateways,
    feature_server,
    features,
    hive_gateways,
)


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


@pytest.fixture(scope="session")
def apollo_url(e2e_stack: Stack) -> Iterator[str]:
    supergraph_file = e2e_stack.log_dir / "supergraph.graphql"
    port = free_port()
    log_path = e2e_stack.log_dir / "apollo-gateway.log"
    log_path.unlink(missing_ok=True)  # readiness is read from this run's log only
    argv = ["node", str(HERE / "apollo_gateway.mjs"), str(supergraph_file), str(port)]
    pid = start_process(argv, node_env(), log_path)
    wait_until("apollo-gateway", pid, log_path, lambda: _ready(log_path), 60)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_pid(pid)


def _ready(log_path: Path) -> bool:
    return log_path.exists() and "READY" in log_path.read_text(errors="replace")
