"""Our answers beside Apollo Gateway's, for the same supergraph, subgraphs and operations.

The reference answer is computed by `@apollo/gateway` (npm, dev-only, `apollo_gateway.mjs`)
serving the very supergraph our gateway loaded, never written by hand.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.runtime import Gateway
from tests.gateway.e2e.e2e_support import Stack, apollo, run

pytestmark = [pytest.mark.node, pytest.mark.integration]

CASES: dict[str, tuple[str, dict[str, Any] | None]] = {
    "entities across four subgraphs": (
        """{ topProducts { upc name price inStock shippingEstimate
             reviews { id body author { id name username } } } }""",
        None,
    ),
    "requires from a non-Strawberry subgraph": (
        "{ topProducts(first: 2) { shippingEstimate } }",
        None,
    ),
    "aliases, fragments and variables": (
        """query($n: Int, $all: Boolean!) {
             a: topProducts(first: $n) { ...P }
             me { id ... on User { handle: username reviews @include(if: $all) { body } } }
           }
           fragment P on Product { upc stock: inStock name @skip(if: $all) }""",
        {"n": 2, "all": True},
    ),
    "typename everywhere": (
        "{ __typename me { __typename reviews { __typename product { __typename upc } } } }",
        None,
    ),
    "nested round trips": (
        """{ me { reviews { product { name reviews { author { username } } } } } }""",
        None,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_same_answer_as_apollo_gateway(gateway: Gateway, apollo_url: str, case: str) -> None:
    query, variables = CASES[case]
    ours = await run(gateway, query, variables=variables)
    theirs = apollo(apollo_url, query, variables)
    assert "errors" not in theirs, theirs
    assert json.dumps(ours) == json.dumps(theirs)  # same keys, values and order


async def test_same_data_when_a_subgraph_fails(
    e2e_stack: Stack, gateway: Gateway, apollo_url: str
) -> None:
    query = "{ me { name reviews { body } } topProducts(first: 1) { name } }"
    e2e_stack.set_mode("reviews", "500")
    try:
        ours = await run(gateway, query)
        theirs = apollo(apollo_url, query, None)
    finally:
        e2e_stack.set_mode("reviews", "ok")
    assert ours["data"] == theirs["data"]
    assert ours["errors"]
    assert theirs["errors"]
