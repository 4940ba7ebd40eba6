"""Our answers beside Apollo Gateway's, for the same supergraph, subgraphs and operations.

The reference answer is computed by `@apollo/gateway` (npm, dev-only, `apollo_gateway.mjs`)
serving the very supergraph our gateway loaded, never written by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import HERE, Stack, apollo, node_env, run

from devstack.processes import free_port, start_process, stop_pid, wait_until
from gateway.runtime import Gateway

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
