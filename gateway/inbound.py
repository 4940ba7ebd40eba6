"""Inbound deduplication: identical concurrent queries share one execution.

Off by default (`GatewayOptions.deduplicate_inbound`): it only pays when many clients ask
exactly the same thing at once. Bodies are shared read-only, so one run serves every waiter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson

from gateway.documents import Runnable

__all__ = ["InboundDedup", "inbound_key"]

InboundKey = tuple[Any, ...]


def inbound_key(
    query: str | None,
    operation: Runnable,
    variables: Mapping[str, Any],
    forwarded: Mapping[str, str],
    identity: tuple[str, ...],
) -> InboundKey:
    """What makes two requests the same run: document, operation, copy, variables, headers.

    Only requests with the same credentials (`identity`) share a run, even when no header is
    forwarded: what a client may see can depend on who it is, so one client's answer never
    goes to another.
    """
    return (
        query,
        operation.prepared.name,
        operation.variant,
        orjson.dumps(variables, option=orjson.OPT_SORT_KEYS, default=str),
        tuple(sorted(forwarded.items())),
        identity,
    )


class InboundDedup:
    """The runs in flight by key; a run's cancellation or failure reaches its followers."""

    __slots__ = ("_in_flight",)

    def __init__(self) -> None:
        self._in_flight: dict[InboundKey, asyncio.Future[dict[str, Any]]] = {}

    async def run(
        self, key: InboundKey, run: Callable[[], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any]:
        """`run()`, shared with the identical requests already in flight (bodies are read-only)."""
        pending = self._in_flight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            body = await run()
            future.set_result(body)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as error:
            future.set_exception(error)
            future.exception()  # followers re-raise it themselves
            raise
        finally:
            del self._in_flight[key]
        return body

    def __len__(self) -> int:
        return len(self._in_flight)
