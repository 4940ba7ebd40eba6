"""Planner properties over every supergraph fixture: whatever the client may ask, there is a plan.

1. Every field reachable from a root field (through fragments on each possible type) plans
   without error, alone.
2. Random valid operations (hypothesis-graphql) plan without error.
3. Every fetch a plan makes selects something beyond `__typename`, and no two fetches of a
   plan to one subgraph have the same place, inputs and selection (a needless call).
4. The batched plan (the runtime's default) of each operation is well formed: one request per
   subgraph per wave, every `_entities` alias fed by a path.

The fixtures were composed by Apollo's composition, whose satisfiability check passed, so a
planning failure is the planner's fault. The exceptions are fixtures whose metadata is
deliberately inconsistent (listed in `UNSATISFIABLE`, with the fields that cannot be planned).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import hypothesis_graphql
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    get_named_type,
    is_composite_type,
    print_schema,
)
from hypothesis import HealthCheck, given, settings

from gateway.planner import (
    BatchFetchNode,
    FetchNode,
    PlanningError,
    PlanNode,
    QueryPlan,
    build_query_plan,
)
from gateway.planner.plan import ConditionNode, FlattenNode, ParallelNode, SequenceNode
from tests.gateway.planner.support import FIXTURES, prepare, supergraph

NAMES = sorted(p.stem for p in FIXTURES.glob("*.graphql"))

# Fixture -> "Type.field" paths that cannot be planned, because the supergraph says so.
UNSATISFIABLE = {
    # `node { id }`: `Thread.id` is @external in `people`, which returns Threads from `node`,
    # and `Person.id` likewise in `threads`: neither root gives the id of both types.
    "external-keys": {"Node.id"},
}

_MAX_DEPTH = 4


def _literal(type_: GraphQLInputType) -> str:
    """A value for a required argument: the planner never reads it."""
    if isinstance(type_, GraphQLNonNull):
        return _literal(type_.of_type)
    if isinstance(type_, GraphQLList):
        return f"[{_literal(type_.of_type)}]"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        fields = [
            f"{name}: {_literal(f.type)}"
            for name, f in type_.fields.items()
            if isinstance(f.type, GraphQLNonNull)
        ]
        return "{" + ", ".join(fields) + "}"
    assert isinstance(type_, GraphQLScalarType)
    return {"Int": "1", "Float": "1.5", "Boolean": "true"}.get(type_.name, '"1"')


def _call(name: str, field: GraphQLField) -> str:
    required = [
        f"{arg}: {_literal(a.type)}"
        for arg, a in field.args.items()
        if isinstance(a.type, GraphQLNonNull) and a.default_value is Undefined
    ]
    return f"{name}({', '.join(required)})" if required else name


def _paths(schema: GraphQLSchema) -> Iterator[tuple[str, str]]:
    """(`Type.field`, an operation selecting it), each field once, by the shortest path."""
    seen: set[str] = set()
    root = schema.query_type
    assert root is not None
    frontier: list[tuple[GraphQLObjectType | GraphQLInterfaceType, str]] = [(root, "{}")]
    for _ in range(_MAX_DEPTH):
        following: list[tuple[GraphQLObjectType | GraphQLInterfaceType, str]] = []
        for parent, template in frontier:
            for name, field in parent.fields.items():
                coordinate = f"{parent.name}.{name}"
                if coordinate in seen or name.startswith("__"):
                    continue
                seen.add(coordinate)
                named = get_named_type(field.type)
                inner = "{}" if is_composite_type(named) else ""
                selection = template.replace("{}", "{ " + _call(name, field) + " " + inner + " }")
                if not is_composite_type(named):
                    yield coordinate, selection
                    continue
                yield coordinate, selection.replace("{}", "{ __typename }")
                following.extend(_below(schema, named, selection))
        frontier = following
    return


def _below(
    schema: GraphQLSchema,
    named: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
    template: str,
) -> Iterator[tuple[GraphQLObjectType | GraphQLInterfaceType, str]]:
    if not isinstance(named, GraphQLUnionType):
        yield named, template
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        for possible in schema.get_possible_types(named):
            yield possible, template.replace("{}", "{ ... on " + possible.name + " {} }")


def _fetches(
    node: PlanNode | None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], FetchNode]]:
    match node:
        case FetchNode():
            yield path, node
        case FlattenNode(path=inner_path, node=inner):
            yield from _fetches(inner, inner_path)
        case SequenceNode(nodes=nodes) | ParallelNode(nodes=nodes):
            for child in nodes:
                yield from _fetches(child, path)
        case ConditionNode(if_clause=a, else_clause=b):
            yield from _fetches(a, path)
            yield from _fetches(b, path)


def _plan_checked(name: str, query: str) -> None:
    graph = supergraph(name)
    prepared = prepare(graph, query)
    plan = build_query_plan(graph, prepared)
    batched = build_query_plan(graph, prepared, batch=True)
    _check_batched(batched, query)
    assert _requests(batched) <= _requests(plan), query
    seen: set[tuple[tuple[str, ...], str, object, str]] = set()
    for path, fetch in _fetches(plan.node):
        body = fetch.operation.replace("__typename", "")
        assert any(c.isalpha() for c in body.split("{", 2 if fetch.requires else 1)[-1]), (
            query,
            fetch.operation,
        )
        identity = (path, fetch.service_name, fetch.requires, fetch.operation)
        assert identity not in seen, (query, fetch.operation)
        seen.add(identity)


def _check_batched(plan: QueryPlan, query: str) -> None:
    """A batched plan sends at most one request per subgraph per wave, each alias fed by at
    least one path, and never more requests than the plan it was batched from."""
    for node in _walk(plan.node):
        if isinstance(node, BatchFetchNode):
            assert len(node.entities) >= 1, query
            assert all(entity.paths for entity in node.entities), query
            aliases = [entity.alias for entity in node.entities]
            assert all(f"{alias}:_entities" in node.operation for alias in aliases), query
        if isinstance(node, ParallelNode):
            batches = [n.service_name for n in node.nodes if isinstance(n, BatchFetchNode)]
            assert len(batches) == len(set(batches)), query


def _requests(plan: QueryPlan) -> int:
    return sum(isinstance(n, FetchNode | BatchFetchNode) for n in _walk(plan.node))


def _walk(node: PlanNode | None) -> Iterator[PlanNode]:
    if node is None:
        return
    yield node
    match node:
        case FlattenNode(node=inner):
            yield from _walk(inner)
        case SequenceNode(nodes=nodes) | ParallelNode(nodes=nodes):
            for child in nodes:
                yield from _walk(child)
        case ConditionNode(if_clause=a, else_clause=b):
            yield from _walk(a)
            yield from _walk(b)


@functools.cache
def _api_sdl(name: str) -> str:
    return print_schema(supergraph(name).api_schema)


@pytest.mark.parametrize("name", NAMES)
def test_every_reachable_field_plans(name: str) -> None:
    failures: list[str] = []
    refused: set[str] = set()
    unplannable = UNSATISFIABLE.get(name, set())
    for coordinate, query in _paths(supergraph(name).api_schema):
        try:
            _plan_checked(name, query)
        except PlanningError:
            refused.add(coordinate)
            if coordinate not in unplannable:
                failures.append(f"{coordinate}: {query}: no plan")
        except AssertionError as problem:
            failures.append(f"{coordinate}: {query}: {problem}")
    assert not failures, "\n".join(failures)
    assert refused == unplannable


@pytest.mark.parametrize("name", [n for n in NAMES if n not in UNSATISFIABLE])
def test_random_operations_plan(name: str) -> None:
    queries = hypothesis_graphql.queries(_api_sdl(name))

    @settings(
        max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(query=queries)
    def check(query: str) -> None:
        _plan_checked(name, query)

    check()
