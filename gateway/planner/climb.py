"""Climbing: ask the parent position for a selection that no subgraph can reach from here.

A value type (one without a `@key` in the subgraph that knows the field) cannot be entered
directly: the only way to its fields is through the field that leads to it, fetched again
from a subgraph that resolves both. So a selection stuck at `Category` below
`Product.category` becomes `category { ...stuck }`, asked of `Product` (an `_entities` fetch
by Product's key); one stuck below a shared root field becomes a second root fetch of that
field in another subgraph. This is the part of Apollo's and Hive's path search that a
greedy walker needs: it climbs only where no direct jump exists, so plans that never needed
it are unchanged.

Root fields are only asked again of another subgraph for queries: a mutation field must run
once, so a mutation has no `root_place` and an unreachable selection below it is an error.
"""

from __future__ import annotations

from collections.abc import Callable

from graphql import (
    FieldNode,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
)

from gateway.planner.coverage import coverage
from gateway.planner.graph import SubgraphView
from gateway.planner.groups import Group
from gateway.planner.scope import Scope

__all__ = ["RootPlace", "choose_other_root", "root_scope", "wrap_for_parent"]

RootPlace = Callable[[str], Group]
"""The root fetch group of a subgraph (for queries, one per subgraph)."""


def wrap_for_parent(
    view: SubgraphView, scope: Scope, items: tuple[SelectionNode, ...]
) -> tuple[Scope, FieldNode] | None:
    """The parent position and the client's field leading here, holding only `items`."""
    parent, via = scope.parent, scope.via
    if parent is None or via is None:
        return None
    definition = view.field(parent.type_name, via.name.value)
    declared = get_named_type(definition.type).name if definition is not None else None
    if declared is None or view.is_abstract(declared):
        # Two subgraphs' answers for an abstract position can hold different runtime types at
        # one list index, so they cannot be merged by position: no climbing through one.
        return None
    inner = items
    if scope.planned:
        # Key fields for a later fetch: the fetch that brings them must bring the type too.
        typename = FieldNode(name=NameNode(value="__typename"))
        inner = items = (typename, *items)
    if declared != scope.type_name:
        condition = NamedTypeNode(name=NameNode(value=scope.type_name))
        fragment = InlineFragmentNode(
            type_condition=condition, selection_set=SelectionSetNode(selections=items)
        )
        inner = (fragment,)
    wrapped = FieldNode(
        alias=via.alias,
        name=via.name,
        arguments=via.arguments,
        directives=via.directives,
        selection_set=SelectionSetNode(selections=inner),
    )
    return parent, wrapped


def choose_other_root(
    view: SubgraphView, scope: Scope, items: tuple[SelectionNode, ...]
) -> str | None:
    """The subgraph, not tried yet, whose root resolves the most of these root fields."""
    tried = scope.roots_tried | {scope.group.service}
    order = list(view.graphs)
    best: tuple[int, int, int] | None = None
    chosen: str | None = None
    for graph in view.graphs:
        if graph in tried:
            continue
        fields = [
            node
            for node in items
            if isinstance(node, FieldNode)
            and view.resolves(scope.type_name, node.name.value, graph)
        ]
        if not fields:
            continue
        score = (len(fields), coverage(view, graph, scope.type_name, items), -order.index(graph))
        if best is None or score > best:
            best, chosen = score, graph
    return chosen


def root_scope(scope: Scope, group: Group) -> Scope:
    """A position at the root of another subgraph's root fetch."""
    return Scope(
        group=group,
        type_name=scope.type_name,
        path=(),
        out=group.selection,
        conditions=scope.conditions,
        roots_tried=scope.roots_tried | {scope.group.service},
    )
