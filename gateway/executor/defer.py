"""Run the deferred parts of a `@defer` plan, each as soon as the part it depends on is done.

The primary part runs first (the caller answers it); then every deferred part whose parent
is done starts at once, concurrently with the others, against the same merged data, and this
yields each as it completes, so a fast part is never held back by a slow sibling. A part's
errors are its own (its fetches', with client paths), for the caller to put in its payload.
Closing the iterator early (the client went away) cancels the parts still running.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Any

from gateway.executor.execute import ExecutionOutcome, RequestContext, execute_plan
from gateway.planner import DeferNode, DeferredNode, QueryPlan
from gateway.transports import Transport

__all__ = ["DeferredOutcome", "execute_deferred", "execute_primary"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferredOutcome:
    """One deferred part done: which one, and the errors its fetches gave."""

    part: DeferredNode
    errors: list[dict[str, Any]]


async def execute_primary(
    node: DeferNode,
    variables: Mapping[str, Any],
    transport: Transport,
    request_context: RequestContext,
    *,
    initial_data: dict[str, Any] | None = None,
) -> ExecutionOutcome:
    """The primary part: what the first payload shows."""
    plan = QueryPlan(node=node.primary)
    return await execute_plan(
        plan, variables, transport, request_context, initial_data=initial_data
    )


async def execute_deferred(
    node: DeferNode,
    variables: Mapping[str, Any],
    transport: Transport,
    request_context: RequestContext,
    data: dict[str, Any],
) -> AsyncGenerator[DeferredOutcome, None]:
    """Every deferred part, in the order they complete; children start when their parent is
    done (its outcome is yielded before theirs)."""
    children: dict[int | None, list[DeferredNode]] = {}
    for part in node.deferred:
        children.setdefault(part.depends, []).append(part)
    done: asyncio.Queue[DeferredOutcome] = asyncio.Queue()
    running: set[asyncio.Task[None]] = set()

    async def run(part: DeferredNode) -> None:
        errors: list[dict[str, Any]] = []
        try:
            if part.node is not None:
                plan = QueryPlan(node=part.node)
                outcome = await execute_plan(
                    plan, variables, transport, request_context, initial_data=data
                )
                errors = outcome.errors
        except Exception:  # a bug must still end the stream, as an error in this part
            log.exception("a deferred part failed")
            message = "The gateway failed to run this deferred fragment."
            errors = [{"message": message, "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]
        done.put_nowait(DeferredOutcome(part=part, errors=errors))

    def start(parent: int | None) -> None:
        for part in children.get(parent, ()):
            task = asyncio.create_task(run(part))
            running.add(task)
            task.add_done_callback(running.discard)

    start(None)
    remaining = len(node.deferred)
    try:
        while remaining and (running or not done.empty()):
            finished = await done.get()
            remaining -= 1
            start(finished.part.id)
            yield finished
    finally:
        for task in list(running):
            task.cancel()
