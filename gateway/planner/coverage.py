"""How much of a selection one subgraph resolves without leaving it: the planner's tie-breaker.

Counts the fields a subgraph resolves itself or that a `@provides` on the way makes local,
so a root field or entity jump goes where the fewest further fetches are needed.
"""

from __future__ import annotations

from graphql import FieldNode, InlineFragmentNode, SelectionNode, SelectionSetNode

from gateway.planner.graph import SubgraphView
from gateway.planner.scope import provided_matching

__all__ = ["coverage"]

_MAX_DEPTH = 6


def coverage(
    view: SubgraphView,
    graph: str,
    type_name: str,
    items: tuple[SelectionNode, ...],
    provided: SelectionSetNode | None = None,
    depth: int = 0,
) -> int:
    """The number of fields in `items` (on `type_name`) that `graph` answers by itself."""
    if depth > _MAX_DEPTH:
        return 0
    total = 0
    for node in items:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else type_name
            inner = node.selection_set.selections
            total += coverage(view, graph, condition, inner, provided, depth + 1)
            continue
        if not isinstance(node, FieldNode):
            continue
        name = node.name.value
        given = provided_matching(view, provided, type_name, name)
        if not given and not view.resolves(type_name, name, graph):
            continue
        total += 1
        if node.selection_set is None or view.field(type_name, name) is None:
            continue
        child = view.child_type(type_name, name, graph) or type_name
        below = view.provides(type_name, name, graph)
        if below is None:
            nested = [n.selection_set for n in given if n.selection_set is not None]
            below = SelectionSetNode(selections=tuple(s for n in nested for s in n.selections))
        inner = node.selection_set.selections
        total += coverage(view, graph, child, inner, below, depth + 1)
    return total
