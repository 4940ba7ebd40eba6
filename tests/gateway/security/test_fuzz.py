"""Fuzzing the real gateway with hypothesis-graphql: it never answers 5xx or shows a traceback.

At least `EXAMPLES` operations are sent through a real gateway process in front of the real
subgraphs: valid queries and mutations generated from the API schema, invalid ones (hypothesis-
graphql's negative mode), deep nesting, huge lists in variables, variables of the wrong type
and plain garbage. Every answer must be a GraphQL JSON object with status below 500 and no
traceback, and the gateway must still be healthy afterwards. Hypothesis runs derandomized with
no example database, so a run is repeatable and leaves nothing behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, nodes

from devstack.processes import Service
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.security.security_support import JSON, SUPERGRAPH, Stack, call, launch_gateway

pytestmark = pytest.mark.integration

EXAMPLES = 2000

Payload = dict[str, Any]


@pytest.fixture(scope="module")
def gateway(security_stack: Stack) -> Iterator[Service]:
    service = launch_gateway(security_stack, "fuzz", {"GATEWAY_SUBGRAPH_TIMEOUT": "10"})
    yield service
    service.stop()


def _schema_payloads() -> st.SearchStrategy[Payload]:
    loaded = load_supergraph(SUPERGRAPH.read_text())
    assert isinstance(loaded, Supergraph)
    scalars = {
        "DateTime": st.just("2026-01-01T00:00:00Z").map(nodes.String),
        # A file can only come in a multipart request's map: inline, an Upload is just null.
        "Upload": st.just(nodes.Null),
    }
    valid = hypothesis_graphql.from_schema(loaded.api_schema, custom_scalars=scalars)
    invalid = hypothesis_graphql.from_schema(
        loaded.api_schema, custom_scalars=scalars, mode=Mode.NEGATIVE
    )
    return st.one_of(valid, invalid).map(lambda query: {"query": str(query)})


def _deep() -> st.SearchStrategy[Payload]:
    def nest(depth: int) -> Payload:
        path = "{ me { whatsapp { statuses { account { statuses " * depth
        return {"query": path + "{ id }" + " } } } }" * depth + " }"}

    return st.integers(min_value=1, max_value=300).map(nest)


def _huge_lists() -> st.SearchStrategy[Payload]:
    query = "query P($t: [Platform!]) { __typename }"
    items = st.sampled_from(["WHATSAPP", "FACEBOOK", "INSTAGRAM", "NOPE", 1, None])
    return st.lists(items, min_size=0, max_size=20_000).map(
        lambda values: {"query": query, "variables": {"t": values}}
    )


def _bad_variables() -> st.SearchStrategy[Payload]:
    query = "query S($id: ID!, $n: Int) { whatsAppStatus(id: $id) { id } __typename }"
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda children: (
            st.lists(children, max_size=5)
            | st.dictionaries(st.text(max_size=5), children, max_size=5)
        ),
        max_leaves=20,
    )
    variables = st.dictionaries(st.sampled_from(["id", "n", "x"]), json_values, max_size=3)
    return variables.map(lambda v: {"query": query, "variables": v})


def _garbage() -> st.SearchStrategy[Payload]:
    return st.text(max_size=300).map(lambda text: {"query": text})


def payloads() -> st.SearchStrategy[Payload]:
    return st.one_of(_schema_payloads(), _deep(), _huge_lists(), _bad_variables(), _garbage())


def check(gateway: Service, payload: Payload) -> None:
    headers = {"content-type": JSON, "accept": JSON}
    body = json.dumps(payload).encode()
    reply = call(f"{gateway.url}/graphql", body=body, headers=headers)
    text = json.dumps(reply.body)
    assert reply.status < 500, (payload, reply.body)
    assert "Traceback" not in text, payload
    assert isinstance(reply.body, dict), payload
    assert "data" in reply.body or reply.body.get("errors"), (payload, reply.body)


def test_fuzzed_operations_never_break_the_gateway(gateway: Service) -> None:
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(payload=payloads())
    def run(payload: Payload) -> None:
        nonlocal sent
        sent += 1
        check(gateway, payload)

    run()
    assert sent >= EXAMPLES
    assert call(f"{gateway.url}/health", "GET").status == 200
    assert call(f"{gateway.url}/ready", "GET").status == 200
