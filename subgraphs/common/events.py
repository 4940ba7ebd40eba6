"""Events for subscriptions: each one reaches the open streams of the people it is addressed to.

Every subgraph process has one `EventBus` (built by the app's lifespan, on `Services.events`).
An event is a channel, a recipient (a person id) and a short text payload (ids, never data).
Replicas share each channel over Redis pub/sub when `REDIS_URL` is set (messages
`"<recipient> <payload>"`), so an event published on one replica reaches a subscriber connected
to another; without Redis the fan-out is in-process. Every process runs one listener for all its
channels (not one Redis connection per subscriber) and hands each payload to the queues of that
recipient's local streams only: who hears an event is decided by the publisher, which addresses it
to the people allowed to see it, never by the subscriber's choice. Subscribers then read the data
afresh by id and check it with the same rule queries use, so what a stream yields is always
current and visible to its reader.

A stream whose queue is full (a consumer that does not read) loses its oldest payloads rather than
stalling the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncGenerator, Iterable
from typing import Any, cast

import redis.asyncio as aioredis
from redis.exceptions import RedisError

__all__ = ["QUEUE_SIZE", "EventBus", "decode", "encode"]

log = logging.getLogger(__name__)

QUEUE_SIZE = 64
RETRY_SECONDS = 1.0


def encode(recipient: str, payload: str) -> str:
    """The Redis message for one event: the recipient first, so routing needs no parsing."""
    return f"{recipient} {payload}"


def decode(data: object) -> tuple[str, str] | None:
    """`(recipient, payload)` of a Redis message, or None for anything malformed."""
    text = data.decode() if isinstance(data, bytes) else str(data)
    recipient, _, payload = text.partition(" ")
    return (recipient, payload) if recipient and payload else None


class EventBus:
    """Publish events and stream them to their recipients (see the module docstring)."""

    def __init__(self, redis: aioredis.Redis | None, channels: Iterable[str]) -> None:
        self._redis = redis
        self._channels = tuple(dict.fromkeys(channels))
        self._streams: dict[tuple[str, str], set[asyncio.Queue[str]]] = defaultdict(set)
        self._listener: asyncio.Task[None] | None = None

    @property
    def channels(self) -> tuple[str, ...]:
        return self._channels

    def start(self) -> None:
        """Follow the channels over Redis in the background (nothing to do without Redis)."""
        if self._redis is not None and self._channels and self._listener is None:
            self._listener = asyncio.create_task(self._listen(self._redis), name="event-bus")

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None

    async def publish(self, channel: str, recipients: Iterable[str], payload: str) -> None:
        """Tell every replica; an unreachable Redis loses the event, never the write behind it."""
        self._check(channel)
        for recipient in dict.fromkeys(recipients):
            if self._redis is None:
                self._deliver(channel, recipient, payload)
                continue
            try:
                await self._redis.publish(channel, encode(recipient, payload))
            except (RedisError, OSError):
                log.warning("event on %s not published: Redis is unreachable", channel)

    async def stream(self, channel: str, recipient: str) -> AsyncGenerator[str, None]:
        """The payloads addressed to `recipient` on `channel` from now on, until the caller stops
        reading."""
        self._check(channel)
        key = (channel, recipient)
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_SIZE)
        self._streams[key].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            streams = self._streams.get(key)
            if streams is not None:
                streams.discard(queue)
                if not streams:
                    del self._streams[key]

    def listening(self, channel: str, recipient: str) -> int:
        """How many local streams `recipient` has open on `channel` (for tests and metrics)."""
        return len(self._streams.get((channel, recipient), ()))

    def _check(self, channel: str) -> None:
        if channel not in self._channels:
            raise ValueError(f"{channel!r} is not one of this bus's channels {self._channels}")

    def _deliver(self, channel: str, recipient: str, payload: str) -> None:
        for queue in tuple(self._streams.get((channel, recipient), ())):
            if queue.full():
                queue.get_nowait()  # the oldest goes: a slow reader never stalls the others
            queue.put_nowait(payload)

    async def _listen(self, redis: aioredis.Redis) -> None:
        while True:
            pubsub = redis.pubsub()
            try:
                await pubsub.subscribe(*self._channels)
                async for message in pubsub.listen():
                    self._received(cast(dict[str, Any], message))
            except (RedisError, OSError):
                log.warning("events: Redis unreachable, resubscribing")
                await asyncio.sleep(RETRY_SECONDS)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    def _received(self, message: dict[str, Any]) -> None:
        if message.get("type") != "message":
            return
        raw_channel = message.get("channel")
        channel = raw_channel.decode() if isinstance(raw_channel, bytes) else str(raw_channel)
        decoded = decode(message.get("data"))
        if decoded is not None and channel in self._channels:
            self._deliver(channel, *decoded)
