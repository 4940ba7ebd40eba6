"""Status events for subscriptions: each posted Status reaches its owner's open streams.

Replicas share one Redis channel (`CHANNEL`, messages `"<owner id> <status id>"`) when
`REDIS_URL` is set, so a Status posted on one replica reaches a subscriber connected to another;
without Redis the fan-out is in-process. Every process runs one listener (not one Redis
connection per subscriber) and hands each id to the queues of that owner's local streams only:
visibility is decided here, by the owner id the event carries, never by the subscriber's choice.
A stream whose queue is full (a consumer that does not read) loses the oldest ids rather than
stalling the others; the subscriber then reads the Status from the database by id, so what it
gets is always current and its owner's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, cast

import redis.asyncio as aioredis
from redis.exceptions import RedisError
from starlette.requests import HTTPConnection

__all__ = ["CHANNEL", "StatusEvents", "status_events"]

log = logging.getLogger(__name__)

CHANNEL = "accounts-center:whatsapp:status-posted"
QUEUE_SIZE = 64
RETRY_SECONDS = 1.0


class StatusEvents:
    """Publish posted Statuses and stream them to their owner (see the module docstring)."""

    def __init__(self, redis: aioredis.Redis | None) -> None:
        self._redis = redis
        self._streams: dict[str, set[asyncio.Queue[str]]] = defaultdict(set)
        self._listener: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._redis is not None and self._listener is None:
            self._listener = asyncio.create_task(self._listen(self._redis))

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None

    async def publish(self, owner_id: str, status_id: str) -> None:
        """Tell every replica; an unreachable Redis loses the event, never the post."""
        if self._redis is None:
            self._deliver(owner_id, status_id)
            return
        try:
            await self._redis.publish(CHANNEL, f"{owner_id} {status_id}")
        except RedisError:
            log.warning("status event for %s not published: Redis is unreachable", status_id)

    async def stream(self, owner_id: str) -> AsyncIterator[str]:
        """The ids of Statuses `owner_id` posts from now on, until the caller stops reading."""
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_SIZE)
        self._streams[owner_id].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            streams = self._streams.get(owner_id)
            if streams is not None:
                streams.discard(queue)
                if not streams:
                    del self._streams[owner_id]

    def _deliver(self, owner_id: str, status_id: str) -> None:
        for queue in tuple(self._streams.get(owner_id, ())):
            if queue.full():
                queue.get_nowait()  # the oldest goes: a slow reader never stalls the others
            queue.put_nowait(status_id)

    async def _listen(self, redis: aioredis.Redis) -> None:
        while True:
            try:
                pubsub = redis.pubsub()
                await pubsub.subscribe(CHANNEL)
                async for message in pubsub.listen():
                    self._received(cast(dict[str, Any], message))
            except (RedisError, OSError):
                log.warning("status events: Redis unreachable, resubscribing")
                await asyncio.sleep(RETRY_SECONDS)

    def _received(self, message: dict[str, Any]) -> None:
        if message.get("type") != "message":
            return
        data = message.get("data")
        text = data.decode() if isinstance(data, bytes) else str(data)
        owner_id, _, status_id = text.partition(" ")
        if owner_id and status_id:
            self._deliver(owner_id, status_id)


def status_events(connection: HTTPConnection) -> StatusEvents:
    """The process's `StatusEvents`, which the app's lifespan keeps on the app state."""
    return cast(StatusEvents, connection.app.state.status_events)
