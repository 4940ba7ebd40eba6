"""Federation features end to end, each compared with Apollo Gateway's answer.

`feature_subgraphs.mjs` serves small `@apollo/subgraph` subgraphs, a few per feature (abstract
types across subgraphs, `@provides`, `@interfaceObject`, `@override`). Each feature is composed
by the reference composer and served by our gateway and by Apollo Gateway; the answers must be
identical (keys, values, order), and no subgraph may be called more often than our plan says.
"""

from __future__ import annotations

import json

import pytest

from devstack.processes import Service
from gateway.runtime import Gateway
from tests.gateway.e2e.e2e_support import apollo, assert_random_queries_agree, run
from tests.gateway.e2e.feature_support import Feature, get_json, planned_fetches

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
    before = get_json(f"{feature_server.url}/counts")
    ours = await run(gateway, query)
    after = get_json(f"{feature_server.url}/counts")
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
