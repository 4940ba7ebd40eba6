"""Federation features end to end, each compared with Apollo Gateway's answer.

`feature_subgraphs.mjs` serves small `@apollo/subgraph` subgraphs, a few per feature (abstract
types across subgraphs, `@provides`, `@interfaceObject`, `@override`). Each feature is composed
by the reference composer and served by our gateway and by Apollo Gateway; the answers must be
identical (keys, values, order), and no subgraph may be called more often than our plan says.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from e2e_support import (
    HERE,
    ROOT,
    apollo,
    assert_random_queries_agree,
    fetches_per_service,
    node_env,
    run,
)

from devstack.processes import (
    Service,
    free_port,
    start_process,
    start_service,
    stop_pid,
    wait_until,
)
from gateway.executor import HttpTransport, HttpTransportOptions
from gateway.operation import PreparedOperation, prepare_operation
from gateway.planner import build_query_plan
from gateway.runtime import Gateway
from gateway.supergraph import Supergraph, load_supergraph

pytestmark = [pytest.mark.node, pytest.mark.integration]

CASES: list[tuple[str, str, dict[str, int]]] = [
    (
        "abstract",
        """{ search { __typename ... on Book { title reviews } ... on Movie { title rating } }
             nodes { id ... on Movie { director rating } ... on Book { reviews } } }""",
        {},
    ),
    ("abstract", '{ node(id: "m1") { __typename id ... on Movie { rating } } }', {}),
    ("provides", "{ reviews { body author { name } } }", {"accounts": 0}),
    ("provides", "{ reviews { author { name email } } }", {"accounts": 1}),
    ("interfaceObject", "{ media { __typename title likes ... on Book { author } } }", {}),
    ("interfaceObject", "{ topMedia { id likes title ... on Book { author } __typename } }", {}),
    ("override", "{ products { id price stock } }", {"old": 1, "new": 1}),
    ("requires", "{ products { name cost express: cost(express: true) label } }", {}),
    ("requires", "{ products { id cost } }", {"shipping": 1}),
    ("compoundKeys", "{ users { name bio org { id } } }", {"profiles": 1}),
    ("shareableRoot", "{ config { version } leftOnly rightOnly }", {}),
]
FEATURES = sorted({feature for feature, _, _ in CASES})


@dataclass(frozen=True, slots=True, kw_only=True)
class Feature:
    supergraph: Supergraph
    file: Path


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


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
    sdls: dict[str, dict[str, str]] = _get(f"{feature_server.url}/sdl")
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
            wait_until(
                f"apollo-{feature}", pid, log, lambda log=log: "READY" in log.read_text(), 60
            )
        yield {feature: f"http://127.0.0.1:{port}/" for feature, (_, port, _) in started.items()}
    finally:
        for pid, _, _ in started.values():
            stop_pid(pid)


def planned_fetches(gateway: Gateway, query: str) -> dict[str, int]:
    prepared = prepare_operation(gateway.supergraph.api_schema, query, None)
    assert isinstance(prepared, PreparedOperation)
    return dict(fetches_per_service(build_query_plan(gateway.supergraph, prepared).node))


@pytest.mark.parametrize(("feature", "query", "expected_calls"), CASES)
async def test_feature_matches_apollo_gateway(
    feature_server: Service,
    feature_gateways: dict[str, Gateway],
    apollo_gateways: dict[str, str],
    feature: str,
    query: str,
    expected_calls: dict[str, int],
) -> None:
    gateway = feature_gateways[feature]
    before = _get(f"{feature_server.url}/counts")
    ours = await run(gateway, query)
    after = _get(f"{feature_server.url}/counts")
    theirs = apollo(apollo_gateways[feature], query, None)
    assert json.dumps(ours) == json.dumps(theirs)
    calls = {
        key.split("/")[1]: after[key] - before[key]
        for key in after
        if key.startswith(feature + "/")
    }
    planned = planned_fetches(gateway, query)
    for name, count in calls.items():
        assert count <= planned.get(name, 0), (name, count, planned)
    for name, count in expected_calls.items():
        assert calls[name] == count, (name, calls)


@pytest.mark.parametrize("feature", FEATURES)
def test_random_queries_match_apollo_gateway(
    features: dict[str, Feature], apollo_gateways: dict[str, str], feature: str
) -> None:
    supergraph = features[feature].supergraph
    assert_random_queries_agree(supergraph, apollo_gateways[feature], examples=30)
