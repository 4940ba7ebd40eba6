"""`@defer` plans: the fetch groups split into the primary part and one part per deferred
fragment, each scheduled on its own (Apollo's `DeferNode`).

The walker tags every fetch it makes while inside a deferred fragment with the fragment's
marker (`Groups.deferred`). A part's fetches may wait for fetches of the parts it depends on
(the primary part, or the enclosing deferred fragment): those have run when it starts, so its
schedule treats them as done. A deferred fragment whose fields the enclosing fetch resolves
has no fetch of its own (`node` None): its fields come with that fetch and are delivered as a
later part, which the incremental-delivery spec allows.
"""

from __future__ import annotations

from collections.abc import Callable

from gateway.planner.groups import Group, Groups
from gateway.planner.plan import DeferNode, DeferredNode, PlanNode

__all__ = ["defer_node"]

Scheduled = Callable[[list[Group]], PlanNode | None]


def defer_node(groups: Groups, scheduled: Scheduled) -> DeferNode:
    """The primary part and every deferred part, parents before children."""
    primary = scheduled([g for g in groups.items if g.defer is None])
    deferred = tuple(
        DeferredNode(
            id=mark,
            label=at.label,
            path=at.path,
            depends=at.parent,
            node=scheduled([g for g in groups.items if g.defer == mark]),
        )
        for mark, at in sorted(groups.defers.items())
    )
    return DeferNode(primary=primary, deferred=deferred)
