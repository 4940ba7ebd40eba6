"""Which fetches may carry uploaded files, by Apollo Router's rules for streaming them.

Files go to the subgraph that owns the root field taking them, in the plan's own top-level
fetches. A file variable used by an entity fetch (one that runs on data an earlier fetch
returned), inside a deferred part, in a subscription, or by more than one fetch is refused
before anything runs: the file is read once, in order, for the one request that takes it
(Apollo Router: FILE_UPLOADS_OPERATION_CANNOT_STREAM).
"""

from __future__ import annotations

from collections.abc import Iterator

from gateway.planner.plan import (
    BatchFetchNode,
    ConditionNode,
    DeferNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)

__all__ = ["upload_refusal"]


def _fetches(
    node: PlanNode | None, root: bool
) -> Iterator[tuple[FetchNode | BatchFetchNode, bool]]:
    """Every fetch with whether it is a top-level one (not entered by key, not deferred)."""
    if node is None:
        return
    if isinstance(node, FetchNode | BatchFetchNode):
        yield node, root and isinstance(node, FetchNode)
    elif isinstance(node, FlattenNode):
        yield from _fetches(node.node, False)
    elif isinstance(node, SequenceNode | ParallelNode):
        for child in node.nodes:
            yield from _fetches(child, root)
    elif isinstance(node, ConditionNode):
        yield from _fetches(node.if_clause, root)
        yield from _fetches(node.else_clause, root)
    elif isinstance(node, DeferNode):
        yield from _fetches(node.primary, root)
        for part in node.deferred:
            yield from _fetches(part.node, False)


def upload_refusal(plan: QueryPlan, file_variables: frozenset[str]) -> str | None:
    """Why these file variables cannot be sent with this plan, or None when they can."""
    used: dict[str, int] = {}
    for fetch, top_level in _fetches(plan.node, True):
        for name in file_variables.intersection(fetch.variable_usages):
            if fetch.operation_kind == "subscription":
                return f"Variables containing files are forbidden inside subscription: ${name}."
            if not top_level:
                return (
                    f"The file in ${name} is used by a fetch that runs after another "
                    f"(subgraph '{fetch.service_name}'): files are only sent to the subgraph "
                    "of the root field that takes them."
                )
            used[name] = used.get(name, 0) + 1
            if used[name] > 1:
                return f"The file in ${name} is used by more than one fetch: it is sent once."
    return None
