"""Order fetch groups into Sequence and Parallel nodes.

A group runs after its parents. A child whose only parent is a given group nests under it
(`Sequence { parent, Parallel { children } }`), so independent branches do not wait for each
other; a child with several parents waits at the first level where all of them are done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gateway.planner.groups import Group
from gateway.planner.plan import ConditionNode, FlattenNode, ParallelNode, PlanNode, SequenceNode

__all__ = ["schedule", "sequence", "wrap"]

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
        self, ready: list[int], base: set[int]
    ) -> tuple[PlanNode | None, set[int], list[int]]:
        """Run `ready` in parallel, then whatever becomes ready within `base` and them."""
        members: set[int] = set()
        stages: list[PlanNode] = []
        deferred: list[int] = []
        current = ready
        while current:
            nodes: list[PlanNode] = []
            for group_id in current:
                node, done, waiting = self.subtree(group_id)
                nodes.append(node)
                members |= done
                deferred.extend(waiting)
            stages.append(parallel(nodes))
            available = base | members
            pending = [d for d in dict.fromkeys(deferred) if d not in members]
            current = [d for d in pending if self.by_id[d].parents <= available]
            deferred = [d for d in pending if d not in current]
        return (sequence(stages) if stages else None), members, deferred

    def subtree(self, group_id: int) -> tuple[PlanNode, set[int], list[int]]:
        own = [c for c in self.children[group_id] if self.by_id[c].parents == {group_id}]
        shared = [c for c in self.children[group_id] if c not in own]
        node = self.node_for(self.by_id[group_id])
        inner, members, deferred = self.block(own, {group_id})
        if inner is not None:
            node = sequence([node, inner])
        return node, members | {group_id}, shared + deferred


def wrap(group: Group, node: PlanNode) -> PlanNode:
    """Flatten an entity fetch at its path, and guard it by its `@skip`/`@include` conditions."""
    result: PlanNode = FlattenNode(path=group.path, node=node) if group.entity else node
    for variable, included in reversed(group.conditions):
        if included:
            result = ConditionNode(condition=variable, if_clause=result)
        else:
            result = ConditionNode(condition=variable, else_clause=result)
    return result


def schedule(groups: Sequence[Group], node_for: NodeFor) -> PlanNode | None:
    """The plan node running every group after its parents."""
    scheduler = _Scheduler(groups, node_for)
    roots = [g.id for g in groups if not (g.parents & set(scheduler.by_id))]
    node, _, left = scheduler.block(roots, set())
    if left:
        raise AssertionError(f"fetch groups {left} were never scheduled")
    return node
