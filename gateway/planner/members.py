"""Which members of a union a fetch may select, where other subgraphs could answer the same spot.

A union below a `@shareable` path can have different members in the subgraphs that resolve
that path (a "partial union"). When the path from the nearest entity (or from the root) can be
resolved in several subgraphs, which one answers is a planning choice, so only the members
they all know are selected: the answer is then the same whichever subgraph serves it (this is
Hive Router's rule, and the federation audit's `partial-union-complex` and
`union-intersection` cases). Where one subgraph alone resolves the path (a field only it has,
or an entity hop into it), its own members are used. A member left out still shows its
`__typename`; its fields answer null.
"""

from __future__ import annotations

from gateway.planner.graph import SubgraphView
from gateway.planner.scope import Scope

__all__ = ["position_graphs", "safe_members"]


def _is_entity(view: SubgraphView, type_name: str) -> bool:
    return any(view.keys(type_name, graph) for graph in view.graphs)


def position_graphs(view: SubgraphView, scope: Scope) -> frozenset[str]:
    """The subgraphs that could resolve the path leading to `scope` as well as this one."""
    chain: list[tuple[str, str]] = []
    current = scope
    while current.parent is not None and current.via is not None:
        parent = current.parent
        chain.append((parent.type_name, current.via.name.value))
        if _is_entity(view, parent.type_name):
            break
        current = parent
    service = scope.group.service
    if not chain:
        return frozenset((service,))
    chain.reverse()
    top = chain[0][0]
    at_root = current.parent is None  # climbed to the root: any subgraph's root field will do
    found = {service}
    for graph in view.graphs:
        if graph in found or not (at_root or view.keys(top, graph)):
            continue
        if all(view.resolves(type_name, name, graph) for type_name, name in chain):
            found.add(graph)
    return frozenset(found)


def safe_members(view: SubgraphView, scope: Scope) -> tuple[str, ...]:
    """The runtime types a fetch at `scope` (an abstract type) may select."""
    service = scope.group.service
    own = view.runtime_types(scope.type_name, service)
    meta = view.supergraph.types.get(scope.type_name)
    if meta is None or meta.kind != "union":
        return own
    others = position_graphs(view, scope) - {service}
    return tuple(
        member
        for member in own
        if all(member in view.runtime_types(scope.type_name, g) for g in others)
    )
