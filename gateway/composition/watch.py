"""Dev-mode hot reload: recompose from live subgraphs on a poll and report when the result changes.

The callback receives the new supergraph SDL; swapping it in is the server's job, and requests
already running keep the plan they started with because the server swaps one immutable object.
A failed recomposition is reported and the previous supergraph stays in service.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from gateway.composition.config import compose_from_config
from gateway.composition.source import CompositionFailure

__all__ = ["watch_supergraph"]

_log = logging.getLogger(__name__)

OnChange = Callable[[str], Awaitable[None] | None]
OnError = Callable[[CompositionFailure], Awaitable[None] | None]


async def _call(outcome: Awaitable[None] | None) -> None:
    if inspect.isawaitable(outcome):
        await outcome


async def watch_supergraph(
    config_path: str | Path,
    interval: float,
    on_change: OnChange,
    *,
    initial_sdl: str | None = None,
    on_error: OnError | None = None,
) -> None:
    """Every `interval` seconds compose from `config_path`; call `on_change(sdl)` when it differs.

    `initial_sdl` is the supergraph already being served (so it is not reported again). Runs until
    cancelled. A failure calls `on_error` (or logs) once per distinct failure and keeps going.
    """
    current = initial_sdl
    last_failure: str | None = None
    while True:
        result = await compose_from_config(config_path)
        if isinstance(result, CompositionFailure):
            if str(result) != last_failure:
                await _report_failure(result, on_error)
            last_failure = str(result)
        else:
            last_failure = None
            if result.supergraph_sdl != current:
                current = result.supergraph_sdl
                await _call(on_change(current))
        await asyncio.sleep(interval)


async def _report_failure(failure: CompositionFailure, on_error: OnError | None) -> None:
    if on_error is None:
        _log.warning("recomposition failed; keeping the current supergraph:\n%s", failure)
    else:
        await _call(on_error(failure))
