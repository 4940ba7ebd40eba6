"""Helpers for planner tests: load a supergraph fixture, prepare an operation, print its plan."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from textwrap import dedent

from gateway.operation import PreparedOperation, prepare_operation
from gateway.planner import build_query_plan, print_plan
from gateway.supergraph import Supergraph, load_supergraph

__all__ = ["FIXTURES", "assert_plan", "plan_text", "prepare", "supergraph"]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "supergraphs"


@functools.cache
def supergraph(name: str) -> Supergraph:
    loaded = load_supergraph((FIXTURES / f"{name}.graphql").read_text())
    assert isinstance(loaded, Supergraph), str(loaded)
    return loaded


def prepare(graph: Supergraph, query: str, operation_name: str | None = None) -> PreparedOperation:
    prepared = prepare_operation(graph.api_schema, query, operation_name)
    assert isinstance(prepared, PreparedOperation), str(prepared)
    return prepared


def plan_text(
    name: str,
    query: str,
    operation_name: str | None = None,
    override_labels: Iterable[str] | None = None,
) -> str:
    graph = supergraph(name)
    plan = build_query_plan(
        graph, prepare(graph, query, operation_name), override_labels=override_labels
    )
    return print_plan(plan)


def assert_plan(
    name: str,
    query: str,
    expected: str,
    *,
    operation_name: str | None = None,
    override_labels: Iterable[str] | None = None,
) -> None:
    """The printed plan equals `expected` (dedented, surrounding blank lines ignored)."""
    actual = plan_text(name, query, operation_name, override_labels)
    assert actual == dedent(expected).strip(), actual
