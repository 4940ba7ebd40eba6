"""The executor's entry point: walk a query plan, fetching and merging as each node says.

Execution is a `match` on the node kind, as in Apollo's `executeQueryPlan`. All fetches of one
request merge into one mutable dict; `asyncio` runs on one thread, so Parallel children can
share it safely. The outcome is merged data keyed by response keys plus errors already carrying
client paths; `shape_response` then gives the client exactly its selection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gateway.executor.batch import run_batch
from gateway.executor.contexts import run_with_contexts
from gateway.executor.fetch import GATEWAY_TIMEOUT, FetchContext, run_fetch, timed_out_errors
from gateway.executor.paths import Located, PathIndex, collect
from gateway.planner import (
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
from gateway.transports import REQUEST_DEADLINE, Transport

__all__ = ["ExecutionOutcome", "RequestContext", "execute_plan"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestContext:
    """Per-request facts the executor needs besides the plan and variables.

    `headers` are forwarded to every subgraph; `possible_types` maps an abstract type name to
    its object types, for type conditions in Flatten paths and `requires`. `deadline` is the
    event loop's time by which the whole request must be answered (None: no deadline), and
    `budget` the seconds it allowed, for the error message.
    """

    headers: Mapping[str, str] = field(default_factory=dict)
    possible_types: Mapping[str, frozenset[str]] = field(default_factory=dict)
    deadline: float | None = None
    budget: float = 0.0


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
        root=data,
    )
    if plan.node is not None:
        index = PathIndex((data, None), request_context.possible_types)
        deadline = request_context.deadline
        if deadline is None:
            await _run(plan.node, index.root, ctx, index)
        else:
            await _run_until(
                deadline, request_context.budget, _run(plan.node, index.root, ctx, index), ctx
            )
    return ExecutionOutcome(data=data, errors=ctx.errors)


async def _run_until(
    deadline: float, budget: float, run: Coroutine[Any, Any, None], ctx: FetchContext
) -> None:
    """Run the plan until `deadline`, then stop waiting: what was merged is the partial data.

    One timer per request bounds every fetch by what is left of the request's budget, however
    many run one after another; each subgraph's own timeout still applies inside it. Fetches
    cancelled here get GATEWAY_TIMEOUT errors at their paths (merging never waits, so no
    answer is ever half merged). A deduplicated query shared with other requests keeps
    running for them, bounded by its subgraph's timeout.
    """
    token = REQUEST_DEADLINE.set(deadline)  # retries in the transport stop before it
    try:
        async with asyncio.timeout_at(deadline):
            await run
    except TimeoutError:
        late = timed_out_errors(ctx, budget)
        if not late:  # the time ran out between fetches
            message = f"The request's {budget:g}s deadline passed before it finished"
            late = [{"message": message, "extensions": {"code": GATEWAY_TIMEOUT}}]
        ctx.errors.extend(late)
    finally:
        REQUEST_DEADLINE.reset(token)


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
        case BatchFetchNode():
            await run_batch(node, index, ctx)
        case FlattenNode(path=path, node=inner):
            found = index.find(path) if at_root else collect(targets, path, ctx.possible_types)
            if found:
                if inner.__class__ is FetchNode and inner.context_rewrites:
                    await run_with_contexts(inner, found, ctx)
                elif inner.__class__ is FetchNode:  # the common case, one coroutine less
                    await run_fetch(inner, found, ctx)
                else:
                    await _run(inner, found, ctx, index)
                if at_root:
                    index.merged_below(path)
        case SequenceNode(nodes=nodes):
            for child in nodes:
                await _run(child, targets, ctx, index)
        case ParallelNode(nodes=nodes):
            await _parallel([_run(child, targets, ctx, index) for child in nodes])
        case ConditionNode(condition=name, if_clause=if_clause, else_clause=else_clause):
            chosen = if_clause if ctx.variables.get(name) else else_clause
            if chosen is not None:
                await _run(chosen, targets, ctx, index)
        case DeferNode(primary=primary, deferred=deferred):  # merged: parents come first
            for part in (primary, *(d.node for d in deferred)):
                if part is not None:
                    await _run(part, targets, ctx, index)


async def _parallel(children: list[Coroutine[Any, Any, None]]) -> None:
    """Run `children` concurrently, each started at once rather than on the next loop turn.

    Why: `asyncio.gather` wraps every child in a task that first runs one event-loop iteration
    later, and many children finish without ever waiting (a Flatten with nothing to fetch, a
    transport that answers from memory); those loop turns and tasks were a fifth of the
    executor's CPU. Each child runs here until it first waits, as Python 3.12's eager tasks
    would; only the ones still waiting become tasks. Children start, and touch the merged data,
    in the same order as with `gather`. If one fails before waiting, the others still run to
    their end before its exception propagates, so no fetch outlives the request.
    """
    waiting: list[Coroutine[Any, Any, None]] = []
    failure: BaseException | None = None
    for child in children:
        try:
            awaited = child.send(None)
        except StopIteration:
            continue
        except BaseException as error:
            failure = failure or error
            continue
        waiting.append(_Resumed(child, awaited))
    if failure is not None:
        await asyncio.gather(*waiting, return_exceptions=True)
        raise failure
    if len(waiting) == 1:
        await waiting[0]
    elif waiting:
        await asyncio.gather(*waiting)


class _Resumed(Coroutine[Any, None, None]):
    """`child`, already suspended on `awaited`, as a coroutine a task (or an `await`) can run.

    The first `send` yields `awaited` again, so the task waits on what the child waits on; from
    then on every `send` and `throw` goes straight to the child. A `throw` before that first
    `send` (the task was cancelled before its first step) first cancels `awaited`, as a task
    cancels the future it waits on, so the child sees the same CancelledError either way.
    """

    __slots__ = ("_awaited", "_child", "_started")

    def __init__(self, child: Coroutine[Any, Any, None], awaited: Any) -> None:
        self._child = child
        self._awaited = awaited
        self._started = False

    def send(self, value: None) -> Any:
        if not self._started:
            self._started = True
            return self._awaited
        return self._child.send(value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        if not self._started:
            self._started = True
            cancelled = isinstance(typ, asyncio.CancelledError) or typ is asyncio.CancelledError
            if cancelled and asyncio.isfuture(self._awaited):
                self._awaited.cancel()
        if val is None and tb is None:
            return self._child.throw(typ)
        return self._child.throw(typ, val, tb)  # pragma: no cover - the legacy signature

    def close(self) -> None:
        self._child.close()

    def __await__(self) -> Generator[Any, None, None]:
        return self

    def __iter__(self) -> _Resumed:
        return self

    def __next__(self) -> Any:
        return self.send(None)
