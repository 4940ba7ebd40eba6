"""Our gateway in front of real subgraph processes (three Strawberry, one graphql-yoga).

Every test checks how many requests each subgraph received, so N+1 fetching fails a test: the
count may not exceed the number of fetches the plan has for that subgraph.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from gateway.runtime import Gateway, GraphQLRequest
from tests.gateway.e2e.e2e_subgraphs import PRODUCTS, REVIEWS, USERS
from tests.gateway.e2e.e2e_support import Stack, fetches_per_service, run

pytestmark = [pytest.mark.node, pytest.mark.integration]  # composition and one subgraph run on node


async def run_counted(
    stack: Stack, gateway: Gateway, query: str, **kwargs: Any
) -> tuple[dict[str, Any], dict[str, int]]:
    before = stack.counts()
    body = await run(gateway, query, **kwargs)
    after = stack.counts()
    return body, {name: after[name] - before[name] for name in after}


def assert_no_n_plus_one(gateway: Gateway, query: str, calls: dict[str, int]) -> None:
    from gateway.operation import PreparedOperation, prepare_operation
    from gateway.planner import build_query_plan

    prepared = prepare_operation(gateway.supergraph.api_schema, query, None)
    assert isinstance(prepared, PreparedOperation)
    planned = fetches_per_service(build_query_plan(gateway.supergraph, prepared).node)
    for name, count in calls.items():
        assert count <= planned[name], (name, count, planned)


ALL_PRODUCTS = """{
  topProducts {
    upc name price inStock shippingEstimate
    reviews { body author { name username } }
  }
}"""


async def test_four_subgraphs_one_query(e2e_stack: Stack, gateway: Gateway) -> None:
    body, calls = await run_counted(e2e_stack, gateway, ALL_PRODUCTS)
    assert "errors" not in body, body
    products = body["data"]["topProducts"]
    assert [p["upc"] for p in products] == list(PRODUCTS)
    for product in products:
        row = PRODUCTS[product["upc"]]
        assert product["name"] == row["name"]
        assert product["inStock"] is (product["upc"] != "p2")
        expected_estimate = 0 if row["price"] > 1000 else round(row["weight"] * 0.5)
        assert product["shippingEstimate"] == expected_estimate
        expected = [r for r in REVIEWS if r["product"] == product["upc"]]
        assert [r["body"] for r in product["reviews"]] == [r["body"] for r in expected]
        authors = [USERS[r["author"]]["name"] for r in expected]
        assert [r["author"]["name"] for r in product["reviews"]] == authors
        assert list(product) == ["upc", "name", "price", "inStock", "shippingEstimate", "reviews"]
    assert_no_n_plus_one(gateway, ALL_PRODUCTS, calls)
    assert calls["inventory"] == 1
    assert calls["accounts"] == 1


async def test_aliases_fragments_and_directives(e2e_stack: Stack, gateway: Gateway) -> None:
    query = """query Q($withReviews: Boolean!, $n: Int) {
      viewer: me { ...Who reviews @include(if: $withReviews) { text: body } }
      top: topProducts(first: $n) { __typename upc stock: inStock }
    }
    fragment Who on User { handle: username }"""
    variables = {"withReviews": True, "n": 2}
    body, calls = await run_counted(e2e_stack, gateway, query, variables=variables)
    ada = USERS["u1"]
    reviews = [{"text": r["body"]} for r in REVIEWS if r["author"] == "u1"]
    assert body == {
        "data": {
            "viewer": {"handle": ada["username"], "reviews": reviews},
            "top": [
                {"__typename": "Product", "upc": "p1", "stock": True},
                {"__typename": "Product", "upc": "p2", "stock": False},
            ],
        }
    }
    assert list(body["data"]["viewer"]) == ["handle", "reviews"]
    assert_no_n_plus_one(gateway, query, calls)
    skipped, _ = await run_counted(
        e2e_stack, gateway, query, variables={"withReviews": False, "n": 1}
    )
    assert skipped["data"]["viewer"] == {"handle": ada["username"]}


async def test_mutations_run_in_order(e2e_stack: Stack, gateway: Gateway) -> None:
    query = "mutation { a: stampAccounts r: stampReviews b: stampAccounts }"
    body, calls = await run_counted(e2e_stack, gateway, query)
    stamps = body["data"]
    assert int(stamps["a"]) < int(stamps["r"]) < int(stamps["b"])
    assert calls["accounts"] == 2
    assert calls["reviews"] == 1


async def test_introspection_is_answered_by_the_gateway(e2e_stack: Stack, gateway: Gateway) -> None:
    query = '{ __type(name: "Product") { fields { name } } __schema { queryType { name } } }'
    body, calls = await run_counted(e2e_stack, gateway, query)
    names = {f["name"] for f in body["data"]["__type"]["fields"]}
    assert {"upc", "name", "inStock", "shippingEstimate", "reviews"} <= names
    assert not any(name.startswith("_") for name in names)
    assert body["data"]["__schema"] == {"queryType": {"name": "Query"}}
    assert sum(calls.values()) == 0


@pytest.mark.parametrize(
    ("query", "kwargs", "code"),
    [
        ("{ me { name ", {}, "GRAPHQL_PARSE_FAILED"),
        ("{ me { nickname } }", {}, "GRAPHQL_VALIDATION_FAILED"),
        (
            "query($n: Int) { topProducts(first: $n) { upc } }",
            {"variables": {"n": "two"}},
            "BAD_USER_INPUT",
        ),
        ("query A { me { name } } query B { me { name } }", {}, "OPERATION_NAME_REQUIRED"),
    ],
)
async def test_bad_input(
    e2e_stack: Stack, gateway: Gateway, query: str, kwargs: dict[str, Any], code: str
) -> None:
    before = e2e_stack.counts()
    result = await gateway.execute(GraphQLRequest(query=query, **kwargs), {})
    assert result.is_request_error
    assert "data" not in result.body
    assert [e["extensions"]["code"] for e in result.body["errors"]][:1] == [code]
    assert e2e_stack.counts() == before


PARTIAL = "{ me { name reviews { body } } topProducts(first: 1) { name } }"


@pytest.mark.parametrize(
    ("mode", "code"),
    [
        ("500", "SUBREQUEST_HTTP_ERROR"),
        ("html", "SUBREQUEST_MALFORMED_RESPONSE"),
        ("hang", "SUBREQUEST_TIMEOUT"),
    ],
)
async def test_broken_subgraph_gives_partial_data(
    e2e_stack: Stack, gateway: Gateway, mode: str, code: str
) -> None:
    e2e_stack.set_mode("reviews", mode)
    try:
        started = time.monotonic()
        body = await run(gateway, PARTIAL)
        elapsed = time.monotonic() - started
    finally:
        e2e_stack.set_mode("reviews", "ok")
    assert elapsed < 4  # the e2e gateway's subgraph timeout is 2s
    assert body["data"] == {"me": None, "topProducts": [{"name": PRODUCTS["p1"]["name"]}]}
    error = body["errors"][0]
    assert error["extensions"] == {"code": code, "serviceName": "reviews"}
    assert "'reviews'" in error["message"]
    assert error["path"] == ["me"]


async def test_subgraph_stopped_mid_run(e2e_stack: Stack, gateway: Gateway) -> None:
    query = "{ me { name } topProducts(first: 1) { name inStock } }"
    healthy = await run(gateway, query)
    assert healthy["data"]["me"] == {"name": USERS["u1"]["name"]}
    e2e_stack.services["accounts"].stop()
    try:
        started = time.monotonic()
        body = await run(gateway, query)
        assert time.monotonic() - started < 3
    finally:
        e2e_stack.restart("accounts")
    # The branch that did not need accounts is exactly what a healthy run gives.
    assert body["data"] == {"me": None, "topProducts": healthy["data"]["topProducts"]}
    [error] = body["errors"]
    assert error["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "accounts"}
    assert error["path"] == ["me"]
    recovered = await run(gateway, query)
    assert recovered == healthy


async def test_plan_in_extensions_when_asked(e2e_stack: Stack, gateway: Gateway) -> None:
    query = "{ me { name reviews { body } } }"
    result = await gateway.execute(GraphQLRequest(query=query), {}, include_plan=True)
    extensions = result.body["extensions"]
    assert extensions["queryPlan"]["kind"] == "QueryPlan"
    text = extensions["queryPlanText"]
    assert text.startswith("QueryPlan {")
    assert 'Fetch(service: "accounts")' in text
    assert 'Fetch(service: "reviews")' in text
    plain = await gateway.execute(GraphQLRequest(query=query), {})
    assert "extensions" not in plain.body
    assert plain.body["data"] == result.body["data"]
