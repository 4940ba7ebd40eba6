"""Shared key-value stores: Redis across replicas, memory on one node.

APQ documents, the gateway's rate-limit counters and accounts' sign-in throttle must be shared
when several replicas serve the same clients (the mission's "nothing kept in one process may
stop a second replica"), so each has a Redis implementation beside the in-memory one, behind
the same small Protocol. This module imports nothing else of the gateway, so the subgraphs
use it too (as they do `gateway/jwks.py`).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Protocol

import redis.asyncio as redis_asyncio
from redis.exceptions import RedisError

log = logging.getLogger("gateway.stores")
_FAILURES = (RedisError, OSError)

__all__ = ["KeyValueStore", "MemoryStore", "RedisStore", "open_store", "redis_client"]


class KeyValueStore(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, ttl_seconds: int) -> None: ...

    async def add(self, key: str, value: str, ttl_seconds: int) -> bool:
        """Set `key` only if it is absent; whether this call set it (one winner in a race)."""
        ...

    async def delete(self, key: str) -> None: ...

    async def incr(self, key: str, ttl_seconds: int, amount: int = 1) -> int:
        """Add `amount` to the counter at `key` (created with `ttl_seconds` to live); the new
        value."""
        ...


class MemoryStore:
    """A bounded in-process store (oldest entries go first once `size` is reached)."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def _live(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] < time.monotonic():
            del self._entries[key]
            return None
        return entry[1]

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def set(self, key: str, value: str, ttl_seconds: int) -> None:
        self._entries[key] = (time.monotonic() + ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    async def add(self, key: str, value: str, ttl_seconds: int) -> bool:
        if self._live(key) is not None:
            return False
        await self.set(key, value, ttl_seconds)
        return True

    async def delete(self, key: str) -> None:
        self._entries.pop(key, None)

    async def incr(self, key: str, ttl_seconds: int, amount: int = 1) -> int:
        current = self._live(key)
        if current is None:
            await self.set(key, str(amount), ttl_seconds)
            return amount
        expires_at = self._entries[key][0]
        value = int(current) + amount
        self._entries[key] = (expires_at, str(value))
        return value


class RedisStore:
    """The same operations on a Redis server, under a key prefix.

    When Redis cannot be reached the store fails open and logs: a lookup finds nothing (APQ
    asks the client for the document again), a write is dropped, a counter reads 0 and `add`
    wins, so an outage of the shared cache degrades the service instead of stopping it.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self._client = redis_client(url)
        self._prefix = prefix

    async def get(self, key: str) -> str | None:
        try:
            value = await self._client.get(self._prefix + key)
        except _FAILURES as error:
            log.warning("redis get failed: %s", error)
            return None
        return value if isinstance(value, str) else None

    async def set(self, key: str, value: str, ttl_seconds: int) -> None:
        try:
            await self._client.set(self._prefix + key, value, ex=ttl_seconds)
        except _FAILURES as error:
            log.warning("redis set failed: %s", error)

    async def add(self, key: str, value: str, ttl_seconds: int) -> bool:
        try:
            done = await self._client.set(self._prefix + key, value, ex=ttl_seconds, nx=True)
        except _FAILURES as error:
            log.warning("redis set failed: %s", error)
            return True
        return bool(done)

    async def delete(self, key: str) -> None:
        try:
            await self._client.delete(self._prefix + key)
        except _FAILURES as error:
            log.warning("redis delete failed: %s", error)

    async def incr(self, key: str, ttl_seconds: int, amount: int = 1) -> int:
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.incrby(self._prefix + key, amount)
                pipe.expire(self._prefix + key, ttl_seconds, nx=True)
                count, _ = await pipe.execute()
        except _FAILURES as error:
            log.warning("redis incr failed: %s", error)
            return 0
        return int(count)


def redis_client(url: str) -> redis_asyncio.Redis:
    """The one way the gateway opens Redis (these stores, the entity cache): text replies."""
    return redis_asyncio.Redis.from_url(url, decode_responses=True)


def open_store(redis_url: str | None, prefix: str) -> KeyValueStore:
    return RedisStore(redis_url, prefix) if redis_url else MemoryStore()
