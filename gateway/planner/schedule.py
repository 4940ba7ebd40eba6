"""Order fetch groups into Sequence and Parallel nodes.

A group runs after its parents. A child whose only parent is a given group nests under it
(`Sequence { parent, Parallel { children } }`), so independent branches do not wait for each
other; a child with several parents waits at the first level where all of them are done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gateway.planner.groups import Group
from gateway.planner.normalize import Condition
from gateway.planner.plan import ConditionNode, FlattenNode, ParallelNode, PlanNode, SequenceNode

__all__ = ["flatten", "guard", "parallel", "schedule", "sequence"]

NodeFor = Callable[[Group], PlanNode]


def sequence(nodes: Sequence[PlanNode]) -> PlanNode:
    flat: list[PlanNode] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, SequenceNode) else (node,))
    return flat[0] if len(flat) == 1 else SequenceNode(nodes=tuple(flat))


def parallel(nodes: Sequence[PlanNode]) -> PlanNode:
    flat: list[PlanNode] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, ParallelNode) else (node,))
    return flat[0] if len(flat) == 1 else ParallelNode(nodes=tuple(flat))


class _Scheduler:
    def __init__(self, groups: Sequence[Group], node_for: NodeFor) -> None:
        self.by_id = {g.id: g for g in groups}
        self.node_for = node_for
        self.children: dict[int, list[int]] = {g.id: [] for g in groups}
        for group in groups:
            for parent in sorted(group.parents):
                if parent in self.children:
                    self.children[parent].append(group.id)

    def block(
        self, ready: list[int], base: set[int], outer: tuple[Condition, ...] = ()
    ) -> tuple[PlanNode | None, set[int], list[int]]:
        """Run `ready` in parallel, then whatever becomes ready within `base` and them.

        `outer` are the conditions an enclosing Condition node already checks."""
        members: set[int] = set()
        stages: list[PlanNode] = []
        deferred: list[int] = []
        current = ready
        while current:
            nodes: list[PlanNode] = []
            for group_id in current:
                node, done, waiting = self.subtree(group_id, outer)
                nodes.append(node)
                members |= done
                deferred.extend(waiting)
            stages.append(parallel(nodes))
            available = base | members
            pending = [d for d in dict.fromkeys(deferred) if d not in members]
            current = [d for d in pending if self.by_id[d].parents <= available]
            deferred = [d for d in pending if d not in current]
        return (sequence(stages) if stages else None), members, deferred

    def subtree(
        self, group_id: int, outer: tuple[Condition, ...]
    ) -> tuple[PlanNode, set[int], list[int]]:
        """The group, then its exclusive children, under one guard for its own conditions."""
        own = [c for c in self.children[group_id] if self.by_id[c].parents == {group_id}]
        shared = [c for c in self.children[group_id] if c not in own]
        node = self.node_for(self.by_id[group_id])
        conditions = self.by_id[group_id].conditions
        extra = conditions[len(outer) :] if conditions[: len(outer)] == outer else conditions
        inner, members, deferred = self.block(own, {group_id}, outer + extra)
        if inner is not None:
            node = sequence([node, inner])
        return guard(node, extra), members | {group_id}, shared + deferred


def flatten(group: Group, node: PlanNode) -> PlanNode:
    """An entity (or query re-entry) fetch runs at its path."""
    return FlattenNode(path=group.path, node=node) if group.entity or group.reentry else node


def guard(node: PlanNode, conditions: tuple[Condition, ...]) -> PlanNode:
    """Run `node` only when its variable `@skip`/`@include` conditions hold."""
    for variable, included in reversed(conditions):
        if included:
            node = ConditionNode(condition=variable, if_clause=node)
        else:
            node = ConditionNode(condition=variable, else_clause=node)
    return node


def schedule(groups: Sequence[Group], node_for: NodeFor) -> PlanNode | None:
    """The plan node running every group after its parents."""
    scheduler = _Scheduler(groups, node_for)
    roots = [g.id for g in groups if not (g.parents & set(scheduler.by_id))]
    node, _, left = scheduler.block(roots, set())
    if left:
        raise AssertionError(f"fetch groups {left} were never scheduled")
    return node
