"""Every plan in the planner tests, set beside the plan Apollo's query planner (npm, dev-only)
builds for the same supergraph and operation.

Plans are compared as multisets of lines, so the order of independent fetches and of fields
may differ (Apollo's follows its internal graph traversal). Where our plan is deliberately
different, the test names why.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from tests.gateway.planner.support import FIXTURES, plan_text

pytestmark = pytest.mark.node

HERE = Path(__file__).parent
NODE_MODULES = HERE.parents[2] / ".cache" / "npm" / "node_modules"

# Test name -> why our plan differs from Apollo's.
DIFFERENT = {
    "test_requires_fetched_from_another_subgraph_waits_for_it": (
        "a leaf fetch merges into the @requires fetch to the same place; Apollo sends two"
    ),
    "test_the_query_type_below_a_mutation_is_asked_of_another_subgraphs_root": (
        "Apollo wraps the re-entered selection in `... on Query`"
    ),
    "test_fields_of_different_shapes_under_one_name_are_aliased_and_renamed_back": (
        "the same aliases, numbered in another order (one counter per fetch)"
    ),
    "test_an_overridden_implementation_field_is_fetched_from_the_overriding_subgraph": (
        "Apollo also keeps `id` on the interface; we expand the whole selection per type"
    ),
    "test_a_key_that_only_another_subgraph_resolves_comes_through_the_parent": (
        "we also ask `sections` for `Section.id`, which the key from `taxonomy` already holds"
    ),
    "test_literal_conditions_are_decided_at_planning": (
        "Apollo keeps `@include(if: true)` and fetches keys for skipped entity fields"
    ),
    "test_requires_input_resolved_by_the_requiring_subgraph": (
        "Apollo asks subgraph c for Post.comments, which is @external there"
    ),
    "test_requires_input_with_other_arguments_than_the_client_is_aliased": (
        "Apollo asks subgraph c for Post.comments, which is @external there"
    ),
    "test_requires_on_an_interface_object_from_a_concrete_fragment": (
        "Apollo splits the representation into `... on Book` and `... on Media`"
    ),
    "test_concrete_root_with_requires_on_the_interface_object": (
        "Apollo splits the representation into `... on User` and `... on NodeWithName`"
    ),
    "test_mixed_selection_through_an_interface_object_with_requires": (
        "Apollo splits the representation into `... on User` and `... on NodeWithName`"
    ),
    "test_subscription_root_fetch": "Apollo wraps subscriptions in a Subscription node",
    "test_requires_inputs_with_conflicting_arguments_go_in_separate_fetches": (
        "Apollo's one fetch carries a single `price`, the EUR one, for both estimates"
    ),
    "test_nested_conditions_guard_each_fetch": "Apollo doubles an inline fragment",
    "test_field_stays_in_the_fetch_entered_at_the_context_object": (
        "the same plan; Apollo numbers `$contextualArgument_2_0` from its own counter"
    ),
    "test_client_alias_colliding_with_a_key_or_requires_input": (
        "Apollo drops the client's aliased field"
    ),
}


def _cases() -> list[tuple[str, str, str]]:
    """(test name, fixture, query) for every plain `assert_plan` call with literal arguments
    (options such as override labels have no Apollo counterpart here)."""
    found: list[tuple[str, str, str]] = []
    for path in sorted(HERE.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            found.extend(
                (node.name, *pair) for call in ast.walk(node) if (pair := _literal_plan_call(call))
            )
    return found


def _literal_plan_call(call: ast.AST) -> tuple[str, str] | None:
    """(fixture, query) of an `assert_plan` call whose first two arguments are string literals."""
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "assert_plan"
        and not call.keywords
        and len(call.args) >= 2
    ):
        return None
    fixture, query = (a.value if isinstance(a, ast.Constant) else None for a in call.args[:2])
    return (fixture, query) if isinstance(fixture, str) and isinstance(query, str) else None


def _apollo_plans(queries: dict[str, list[str]]) -> dict[str, list[str]]:
    """Apollo's printed plans, by fixture, in one node process."""
    request = {str(FIXTURES / f"{fixture}.graphql"): qs for fixture, qs in queries.items()}
    result = subprocess.run(
        ["node", str(HERE / "apollo_reference.mjs"), "plans"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        check=True,
    )
    plans: dict[str, list[str]] = json.loads(result.stdout)
    return {fixture: plans[str(FIXTURES / f"{fixture}.graphql")] for fixture in queries}


def _lines(plan: str) -> list[str]:
    return sorted(re.sub(r'"(\d+)"', r"\1", line.strip()) for line in plan.splitlines())


@pytest.mark.skipif(
    shutil.which("node") is None or not (NODE_MODULES / "@apollo" / "query-planner").exists(),
    reason="needs `make npm-tools`",
)
def test_our_plans_match_apollos() -> None:
    by_fixture: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, fixture, query in _cases():
        by_fixture[fixture].append((name, query))
    assert sum(len(v) for v in by_fixture.values()) > 50
    mismatches: list[str] = []
    apollo_plans = _apollo_plans(
        {f: [query for _, query in cases] for f, cases in by_fixture.items()}
    )
    for fixture, cases in by_fixture.items():
        theirs = apollo_plans[fixture]
        for (name, query), apollo in zip(cases, theirs, strict=True):
            ours = plan_text(fixture, query)
            if name in DIFFERENT:
                assert _lines(ours) != _lines(apollo), f"{name} now matches Apollo"
            elif _lines(ours) != _lines(apollo):
                mismatches.append(f"{name} ({fixture}):\n{ours}\n--- Apollo:\n{apollo}")
    assert not mismatches, "\n\n".join(mismatches)
