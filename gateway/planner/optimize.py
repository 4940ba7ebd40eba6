"""Plan optimisation passes applied to finished fetch groups.

`hoist_root_conditions`: when every top-level field of a root fetch carries the same variable
`@skip`/`@include`, the whole fetch runs under a Condition node instead, so no request is
sent when the condition is false (as Apollo does).

`drop_empty_groups`: a fetch left with nothing to select (its fields all went to other
fetches) is removed, and the fetches that waited for it wait for its parents instead.
"""

from __future__ import annotations

from graphql import DirectiveNode

from gateway.planner.groups import Group
from gateway.planner.normalize import conditions_of

__all__ = ["drop_empty_groups", "hoist_root_conditions"]


def _is_condition(directive: DirectiveNode) -> bool:
    return directive.name.value in ("skip", "include")


def hoist_root_conditions(group: Group) -> None:
    """Move conditions shared by all of a root fetch's top-level items onto the group."""
    items = list(group.selection.items.values())
    if group.entity or not items:
        return
    shared = {conditions_of(item.directives) for item in items}
    if len(shared) != 1:
        return
    conditions = shared.pop()
    if not conditions or any(
        len([d for d in item.directives if _is_condition(d)]) != len(conditions) for item in items
    ):
        return
    for item in items:
        item.directives = tuple(d for d in item.directives if not _is_condition(d))
    group.conditions = conditions + group.conditions


def drop_empty_groups(groups: list[Group]) -> list[Group]:
    """The groups that still select something, with dependencies on the others bypassed."""
    removed: dict[int, frozenset[int]] = {}
    kept: list[Group] = []
    for group in groups:  # parents are created before their children
        group.selection.prune()
        parents = frozenset(p for parent in group.parents for p in removed.get(parent, {parent}))
        group.parents = parents
        if group.selection.is_empty():
            removed[group.id] = parents
        else:
            kept.append(group)
    return kept
