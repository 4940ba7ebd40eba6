"""The executor's entry point: walk a query plan, fetching and merging as each node says.

Execution is a `match` on the node kind, as in Apollo's `executeQueryPlan`. All fetches of one
request merge into one mutable dict; `asyncio` runs on one thread, so Parallel children can
share it safely. The outcome is merged data keyed by response keys plus errors already carrying
client paths; `shape_response` then gives the client exactly its selection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gateway.executor.fetch import FetchContext, run_fetch
from gateway.executor.paths import Located, PathIndex, collect
from gateway.executor.transport import Transport
from gateway.planner.plan import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)

__all__ = ["ExecutionOutcome", "RequestContext", "execute_plan"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestContext:
    """Per-request facts the executor needs besides the plan and variables.

    `headers` are forwarded to every subgraph; `possible_types` maps an abstract type name to
    its object types, for type conditions in Flatten paths and `requires`.
    """

    headers: Mapping[str, str] = field(default_factory=dict)
    possible_types: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class ExecutionOutcome:
    """Merged data (keys as sent to subgraphs) and errors with client paths."""

    data: dict[str, Any]
    errors: list[dict[str, Any]]


async def execute_plan(
    plan: QueryPlan,
    variables: Mapping[str, Any],
    transport: Transport,
    request_context: RequestContext,
    *,
    initial_data: dict[str, Any] | None = None,
) -> ExecutionOutcome:
    """Run `plan`; subgraph failures become errors in the outcome, never exceptions."""
    data: dict[str, Any] = initial_data if initial_data is not None else {}
    ctx = FetchContext(
        transport=transport,
        variables=variables,
        headers=request_context.headers,
        possible_types=request_context.possible_types,
        errors=[],
    )
    if plan.node is not None:
        index = PathIndex((data, None), request_context.possible_types)
        await _run(plan.node, index.root, ctx, index)
    return ExecutionOutcome(data=data, errors=ctx.errors)


async def _run(
    node: PlanNode, targets: Sequence[Located], ctx: FetchContext, index: PathIndex
) -> None:
    """Run `node` against `targets` (the root, or what an enclosing Flatten found)."""
    at_root = targets is index.root
    match node:
        case FetchNode():
            await run_fetch(node, targets, ctx)
            if at_root:
                index.merged_below(())
        case FlattenNode(path=path, node=inner):
            found = index.find(path) if at_root else collect(targets, path, ctx.possible_types)
            if found:
                await _run(inner, found, ctx, index)
                if at_root:
                    index.merged_below(path)
        case SequenceNode(nodes=nodes):
            for child in nodes:
                await _run(child, targets, ctx, index)
        case ParallelNode(nodes=nodes):
            await asyncio.gather(*(_run(child, targets, ctx, index) for child in nodes))
        case ConditionNode(condition=name, if_clause=if_clause, else_clause=else_clause):
            chosen = if_clause if ctx.variables.get(name) else else_clause
            if chosen is not None:
                await _run(chosen, targets, ctx, index)
