"""The standard benchmark workload: nested entities, fragments, `@requires` and `@provides`.

The expected plan has Apollo's shape (same services, paths and nesting), except that a plain
fetch that nothing waits for rides along with the `@requires` fetch to the same subgraph and
place (13 fetches where Apollo sends 16); Apollo also reuses a named fragment in subgraph
operations, which we inline.
"""

from __future__ import annotations

from pathlib import Path

from gateway.planner import (
    BatchFetchNode,
    FetchNode,
    FlattenNode,
    PlanNode,
    build_query_plan,
    print_plan,
)
from tests.gateway.planner.support import FIXTURES, plan_text, prepare, supergraph

# The benchmarks' copy of the shared workload query: one file, so the two cannot drift apart.
LOCAL_QUERY = Path(__file__).resolve().parents[3] / "benchmarks" / "workload" / "query.graphql"


def _fetches(node: PlanNode | None) -> list[FetchNode]:
    match node:
        case None:
            return []
        case FetchNode():
            return [node]
        case FlattenNode():
            return _fetches(node.node)
        case _:
            return [f for child in getattr(node, "nodes", ()) for f in _fetches(child)]


def test_benchmark_query_plan() -> None:
    expected = (FIXTURES / "plans" / "bench-query.txt").read_text().strip()
    assert plan_text("bench", LOCAL_QUERY.read_text()) == expected


def test_provided_username_is_not_fetched_again() -> None:
    graph = supergraph("bench")
    plan = build_query_plan(graph, prepare(graph, LOCAL_QUERY.read_text()))
    fetches = _fetches(plan.node)
    assert len(fetches) <= 13
    for fetch in fetches:
        if fetch.service_name == "accounts" and fetch.requires is not None:
            assert "username" not in fetch.operation
            assert "name" in fetch.operation


def _requests(node: PlanNode | None) -> list[str]:
    match node:
        case None:
            return []
        case FetchNode() | BatchFetchNode():
            return [node.service_name]
        case FlattenNode():
            return _requests(node.node)
        case _:
            return [s for child in getattr(node, "nodes", ()) for s in _requests(child)]


def test_batched_benchmark_plan_sends_seven_requests() -> None:
    """The gateway's default: waves, one request per subgraph per wave (Hive Router's plan)."""
    graph = supergraph("bench")
    plan = build_query_plan(graph, prepare(graph, LOCAL_QUERY.read_text()), batch=True)
    expected = (FIXTURES / "plans" / "bench-query-batched.txt").read_text().strip()
    assert print_plan(plan) == expected
    assert sorted(_requests(plan.node)) == sorted(
        ["accounts", "products", "reviews", "inventory", "products", "accounts", "inventory"]
    )
    batches = [n for n in _walk(plan.node) if isinstance(n, BatchFetchNode)]
    shared = [e for b in batches for e in b.entities if len(e.paths) > 1]
    assert shared, "entities at several paths share one `_entities` field"


def _walk(node: PlanNode | None) -> list[PlanNode]:
    if node is None:
        return []
    return [node, *(n for child in getattr(node, "nodes", ()) for n in _walk(child))]
