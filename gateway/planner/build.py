"""The planner stage's entry: a prepared operation in, a query plan out, as a pure function.

Queries put each subgraph's root fields in one fetch and run those in parallel; mutations run
their top-level fields in order, one fetch per run of consecutive fields in the same subgraph,
each followed by the entity fetches its fields need before the next one starts.
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway.operation import PreparedOperation
from gateway.planner.conflicts import alias_conflicts
from gateway.planner.defer import defer_node
from gateway.planner.fetch import FetchContext, batch_fetch_node, fetch_node
from gateway.planner.graph import SubgraphView
from gateway.planner.groups import Group, Groups
from gateway.planner.merge_leaves import merge_leaf_fetches
from gateway.planner.normalize import normalize_selections
from gateway.planner.optimize import drop_empty_groups, hoist_root_conditions
from gateway.planner.plan import PlanNode, QueryPlan
from gateway.planner.root import RootPlanner
from gateway.planner.schedule import flatten, schedule, sequence
from gateway.planner.walk import Walker
from gateway.planner.waves import schedule_waves
from gateway.supergraph import Supergraph

__all__ = ["build_query_plan", "default_override_labels", "override_labels_in"]


def override_labels_in(supergraph: Supergraph) -> frozenset[str]:
    """Every progressive-override label the supergraph's `@join__field`s name."""
    return frozenset(
        info.override_label
        for meta in supergraph.types.values()
        for field in meta.fields.values()
        for info in field.graphs.values()
        if info.override_label is not None
    )


def default_override_labels(supergraph: Supergraph) -> frozenset[str]:
    """Progressive-override labels in force when the caller decides none: only `percent(100)`.

    Every other label (`percent(x)` below 100, custom labels) starts off, so the field stays
    with the subgraph it is being moved from until the runtime turns the label on (the
    runtime decides per request: `gateway/overrides.py`).
    """
    labels = override_labels_in(supergraph)
    return frozenset(label for label in labels if label.replace(" ", "") == "percent(100)")


def _optimized(groups: list[Group]) -> list[Group]:
    """The optimisation passes over finished fetch groups, in order."""
    return merge_leaf_fetches(drop_empty_groups(groups))


def build_query_plan(
    supergraph: Supergraph,
    prepared: PreparedOperation,
    *,
    override_labels: Iterable[str] | None = None,
    batch: bool = False,
) -> QueryPlan:
    """Plan one operation; the same inputs always give the same plan.

    With `batch`, fetches run in waves and one wave's entity fetches to a subgraph share one
    request (`waves.py`, the runtime's default); without it the plan has Apollo's shape, which
    the planner tests compare with Apollo's planner.
    """
    labels = (
        default_override_labels(supergraph)
        if override_labels is None
        else frozenset(override_labels)
    )
    view = SubgraphView(supergraph=supergraph, enabled_labels=labels)
    items = normalize_selections(prepared.operation.selection_set, prepared.fragments)
    root_type = supergraph.root_types[prepared.kind]
    context = FetchContext(prepared.operation, prepared.kind)

    def node_for(group: Group) -> PlanNode:
        hoist_root_conditions(group)
        renames = alias_conflicts(group, view, root_type)
        return flatten(group, fetch_node(group, context, renames))

    def batch_for(members: list[Group]) -> PlanNode:
        renamed = [(group, alias_conflicts(group, view, root_type)) for group in members]
        return batch_fetch_node(renamed, context)

    def scheduled(groups: list[Group]) -> PlanNode | None:
        kept = _optimized(groups)
        if batch and not any(group.conditions for group in kept):
            return schedule_waves(kept, node_for, batch_for)
        return schedule(kept, node_for)

    if prepared.kind != "mutation":
        roots: dict[tuple[str, int | None], Group] = {}
        groups = Groups()

        def root_group(service: str) -> Group:
            key = (service, groups.defer)  # a deferred fragment's root fields fetch apart
            if key not in roots:
                roots[key] = groups.root(service)
            return roots[key]

        walker = Walker(view=view, groups=groups, root_place=root_group)

        def place(service: str) -> tuple[Walker, Group]:
            return walker, root_group(service)

        RootPlanner(view=view, root_type=root_type, place=place, groups=groups).plan(items)
        if groups.defers:
            return QueryPlan(node=defer_node(groups, scheduled))
        return QueryPlan(node=scheduled(walker.groups.items))
    steps: list[Walker] = []

    def place_serial(service: str) -> tuple[Walker, Group]:
        if not steps or steps[-1].groups.items[0].service != service:
            steps.append(Walker(view=view, groups=Groups()))
            steps[-1].groups.root(service)
        return steps[-1], steps[-1].groups.items[0]

    RootPlanner(view=view, root_type=root_type, place=place_serial).plan(items)
    nodes = [n for n in (scheduled(step.groups.items) for step in steps) if n is not None]
    return QueryPlan(node=sequence(nodes) if nodes else None)
