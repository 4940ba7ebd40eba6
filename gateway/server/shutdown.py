"""Every stream is completed before uvicorn closes its connection, in every serving process.

uvicorn answers SIGTERM and SIGINT by closing every WebSocket with 1012 at once and only then
running the app's lifespan shutdown, so a client would never hear `complete`. uvicorn has no
hook in between, and with `--workers N` each worker builds its own `uvicorn.Server` (from
uvicorn's supervisor), so a subclass of the server cannot reach them. What every serving process
does have is uvicorn's signal handler, installed before the app's lifespan starts
(`Server.capture_signals`). The lifespan therefore puts its own in front of it: the first
signal completes every stream (`Subscriptions.close`, bounded by its drain time) and then hands
the signal to uvicorn, which shuts down as usual. A second signal of the same kind meanwhile
goes to uvicorn at once (a second Ctrl-C still forces the exit); one of the other kind (Ctrl-C
reaches the workers and the supervisor's SIGTERM follows) waits for the drain.

Only `gateway serve` asks for this (`create_app(serving=True)`): an app mounted in another
program leaves that program's signals alone.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from gateway.subscriptions import Subscriptions

__all__ = ["complete_streams_on_exit"]

log = logging.getLogger("gateway.server")

_SIGNALS = (signal.SIGTERM, signal.SIGINT)
Handler = Callable[[int, FrameType | None], Any]


def complete_streams_on_exit(subscriptions: Subscriptions) -> Callable[[], None]:
    """Put the stream drain in front of the current SIGTERM/SIGINT handlers (uvicorn's);
    returns the undo. Does nothing off the main thread or when no handler is a function."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous: dict[int, Handler] = {}
    for sig in _SIGNALS:
        current = signal.getsignal(sig)
        if callable(current):
            previous[sig] = current
    if not previous:
        return lambda: None
    drain = _Drain(asyncio.get_running_loop(), subscriptions, previous)
    for number in previous:
        signal.signal(number, drain.on_signal)

    def undo() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return undo


class _Drain:
    """The signal handler: the first signal drains, then passes itself on."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        subscriptions: Subscriptions,
        previous: dict[int, Handler],
    ) -> None:
        self._loop = loop
        self._subscriptions = subscriptions
        self._previous = previous
        self._first: int | None = None
        self._task: asyncio.Task[None] | None = None

    def on_signal(self, sig: int, frame: FrameType | None) -> None:
        if self._first is None:
            self._first = sig
            # A signal handler runs between two bytecodes of the loop's own thread: the task
            # is created from the loop, not from here.
            self._loop.call_soon_threadsafe(self._start)
        elif sig == self._first:
            self._previous[sig](sig, frame)

    def _start(self) -> None:
        self._task = self._loop.create_task(self._run())

    async def _run(self) -> None:
        assert self._first is not None
        try:
            await self._subscriptions.close()
        except Exception:  # the shutdown must go on whatever the drain met
            log.exception("completing the streams before shutting down failed")
        finally:
            self._previous[self._first](self._first, None)
