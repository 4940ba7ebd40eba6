"""Subgraph request deadlines kept by one sweeper task instead of a timer per request.

uvloop backs each `asyncio.timeout` with its own libuv timer, about 15 us of CPU per subgraph
call, and a query can make a dozen or more calls; the sweeper costs one wake-up every
`resolution` seconds while requests are pending.
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["Deadlines"]


class Deadlines:
    """Request deadlines enforced by one sweeper task instead of a timer per request.

    A request registers its task and deadline on entry and leaves on exit. While any are
    registered the sweeper wakes every `resolution` seconds and cancels the tasks past their
    deadline, marking them expired so the request can turn the cancellation into a
    `TimeoutError`; a cancellation from anyone else stays a cancellation (as with
    `asyncio.timeout`, the task's cancel count says whether there was one).
    """

    def __init__(self, resolution: float) -> None:
        self._resolution = resolution
        self._pending: dict[asyncio.Task[Any], float] = {}
        self._expired: set[asyncio.Task[Any]] = set()
        self._sweeper: asyncio.Task[None] | None = None

    def enter(self, seconds: float) -> asyncio.Task[Any]:
        """Start the current task's deadline, `seconds` from now."""
        task = asyncio.current_task()
        assert task is not None, "subgraph requests run inside a task"
        loop = task.get_loop()
        self._pending[task] = loop.time() + seconds
        sweeper = self._sweeper
        if sweeper is None or sweeper.done() or sweeper.get_loop() is not loop:
            self._sweeper = loop.create_task(self._sweep())
        return task

    def expired(self, task: asyncio.Task[Any]) -> bool:
        """Whether the sweeper cancelled `task` (asked once, when the cancellation arrives)."""
        if task in self._expired:
            self._expired.discard(task)
            return True
        return False

    def leave(self, task: asyncio.Task[Any]) -> None:
        """End the task's deadline; a cancellation that never surfaced is taken back."""
        self._pending.pop(task, None)
        if task in self._expired:  # the request finished before the cancellation arrived
            self._expired.discard(task)
            task.uncancel()

    def stop(self) -> None:
        """Stop the sweeper (it would stop by itself once no request is pending)."""
        sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None and not sweeper.get_loop().is_closed():
            sweeper.cancel()

    async def _sweep(self) -> None:
        loop = asyncio.get_running_loop()
        pending = self._pending
        while pending:
            await asyncio.sleep(self._resolution)
            now = loop.time()
            for task in [task for task, deadline in pending.items() if deadline <= now]:
                del pending[task]
                self._expired.add(task)
                task.cancel()
