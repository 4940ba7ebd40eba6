"""Where the planner stands: the current fetch group, type, response path and output selection."""

from __future__ import annotations

from dataclasses import dataclass, replace

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from gateway.planner.graph import SubgraphView
from gateway.planner.groups import Group
from gateway.planner.normalize import Condition
from gateway.planner.selections import Sel

__all__ = ["Scope", "provided_child", "provided_matching", "provides_field"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """The planner's position.

    `provided` is what a `@provides` on the field leading here makes resolvable in the current
    subgraph; `conditions` are the variable `@skip`/`@include` conditions enclosing this place;
    `hops` guards against key lookups that would go round in circles; `satisfied` names the
    fields whose `@requires` inputs this entity fetch's representations carry; `planned` marks
    selections the planner adds (keys, `@requires` inputs) rather than the client's, and
    `renames` collects, for one entity jump, the inputs that had to be aliased;
    `requires_out`, when set, is where `@requires` inputs go (a conditional fragment).
    `parent` and `via` are the position one field up (in the same fetch) and the client's field
    that led here, so a selection no subgraph can reach from here can be asked for from the
    parent instead (`climb.py`); `roots_tried` names the subgraphs whose root fetch has already
    been given a shared root field that they could not complete.
    `keys_at_hand` is set where an entity fetch starts: its representation carries the key
    fields, so even `@external` key fields can be selected there, and `origin` is the position
    in the fetch it was entered from (same path), where context values are read.
    """

    group: Group
    type_name: str
    path: tuple[str, ...]
    out: Sel
    provided: SelectionSetNode | None = None
    conditions: tuple[Condition, ...] = ()
    hops: frozenset[tuple[str, str]] = frozenset()
    satisfied: frozenset[str] = frozenset()
    planned: bool = False
    renames: dict[tuple[tuple[str, ...], str], str] | None = None
    requires_out: Sel | None = None
    parent: Scope | None = None
    via: FieldNode | None = None
    roots_tried: frozenset[str] = frozenset()
    keys_at_hand: bool = False
    origin: Scope | None = None

    def at(self, **changes: object) -> Scope:
        return replace(self, **changes)  # type: ignore[arg-type]


def provided_matching(
    view: SubgraphView, provided: SelectionSetNode | None, type_name: str, name: str
) -> list[FieldNode]:
    found: list[FieldNode] = []
    for node in provided.selections if provided else ():
        if isinstance(node, FieldNode) and node.name.value == name:
            found.append(node)
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            if view.applies(type_name, condition):
                found.extend(provided_matching(view, node.selection_set, type_name, name))
    return found


def provides_field(view: SubgraphView, scope: Scope, name: str) -> bool:
    return bool(provided_matching(view, scope.provided, scope.type_name, name))


def provided_child(view: SubgraphView, scope: Scope, name: str) -> SelectionSetNode | None:
    """The provided selection below field `name`, or None."""
    nodes = [
        n.selection_set
        for n in provided_matching(view, scope.provided, scope.type_name, name)
        if n.selection_set is not None
    ]
    if not nodes:
        return None
    return SelectionSetNode(selections=tuple(s for n in nodes for s in n.selections))
