"""Where cached entries live: a bounded LRU in this process, or Redis shared by replicas.

Both keep, besides each entry, an index from cache tag to the keys tagged with it, so an
invalidation by tag deletes exactly those entries. Invalidation by subgraph, type or entity
deletes by key prefix (a scan in Redis, as Apollo Router's entity cache does): keys are laid
out `<kind>:<subgraph>:<type>:<key hash>:...` so each of those is a prefix.

Redis failures fail open as `gateway/stores.py`'s do: a lookup finds nothing and a write is
dropped, so an outage slows the gateway down to its uncached speed but never stops it.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from redis.exceptions import RedisError

from gateway.stores import redis_client

__all__ = ["CacheEntry", "CacheStorage", "MemoryCacheStorage", "RedisCacheStorage"]

log = logging.getLogger("gateway.caching")
_FAILURES = (RedisError, OSError)
_SCAN_BATCH = 1000


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One value to keep: its key, the JSON text, seconds to live and the tag keys naming it."""

    key: str
    value: str
    ttl: float
    tags: tuple[str, ...] = ()


class CacheStorage(Protocol):
    async def get_many(self, keys: Sequence[str]) -> list[str | None]: ...

    async def put_many(self, entries: Sequence[CacheEntry]) -> None: ...

    async def delete_prefix(self, prefix: str) -> int:
        """Delete every entry whose key starts with `prefix`; how many."""
        ...

    async def delete_tagged(self, tag: str) -> int:
        """Delete every entry tagged `tag` (a tag key); how many."""
        ...


class MemoryCacheStorage:
    """Entries in insertion-and-use order; the least recently used go past `size`."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[float, str, tuple[str, ...]]] = OrderedDict()
        self._tagged: dict[str, set[str]] = {}

    async def get_many(self, keys: Sequence[str]) -> list[str | None]:
        now = time.monotonic()
        found: list[str | None] = []
        for key in keys:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= now:
                if entry is not None:
                    self._remove(key)
                found.append(None)
                continue
            self._entries.move_to_end(key)
            found.append(entry[1])
        return found

    async def put_many(self, entries: Sequence[CacheEntry]) -> None:
        now = time.monotonic()
        for entry in entries:
            self._remove(entry.key)
            self._entries[entry.key] = (now + entry.ttl, entry.value, entry.tags)
            for tag in entry.tags:
                self._tagged.setdefault(tag, set()).add(entry.key)
        while len(self._entries) > self._size:
            self._remove(next(iter(self._entries)))

    async def delete_prefix(self, prefix: str) -> int:
        doomed = [key for key in self._entries if key.startswith(prefix)]
        for key in doomed:
            self._remove(key)
        return len(doomed)

    async def delete_tagged(self, tag: str) -> int:
        doomed = self._tagged.pop(tag, set())
        for key in doomed:
            self._remove(key)
        return len(doomed)

    def _remove(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        for tag in entry[2]:
            keys = self._tagged.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._tagged[tag]


class RedisCacheStorage:
    """The same on a Redis server under `prefix`; tag indexes are Redis sets that live as
    long as the longest entry in them (`EXPIRE ... GT`)."""

    def __init__(self, url: str, prefix: str) -> None:
        self._client = redis_client(url)
        self._prefix = prefix

    async def get_many(self, keys: Sequence[str]) -> list[str | None]:
        try:
            values = await self._client.mget([self._prefix + key for key in keys])
        except _FAILURES as error:
            log.warning("entity cache: redis get failed: %s", error)
            return [None] * len(keys)
        return [value if isinstance(value, str) else None for value in values]

    async def put_many(self, entries: Sequence[CacheEntry]) -> None:
        prefix = self._prefix
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for entry in entries:
                    ttl = max(1, int(entry.ttl))
                    pipe.set(prefix + entry.key, entry.value, ex=ttl)
                    for tag in entry.tags:
                        pipe.sadd(prefix + tag, entry.key)
                        pipe.expire(prefix + tag, ttl, nx=True)
                        pipe.expire(prefix + tag, ttl, gt=True)
                await pipe.execute()
        except _FAILURES as error:
            log.warning("entity cache: redis set failed: %s", error)

    async def delete_prefix(self, prefix: str) -> int:
        count = 0
        batch: list[str] = []
        async for key in self._client.scan_iter(match=self._prefix + prefix + "*", count=1000):
            batch.append(key)
            if len(batch) >= _SCAN_BATCH:
                count += await self._client.unlink(*batch)
                batch = []
        if batch:
            count += await self._client.unlink(*batch)
        return count

    async def delete_tagged(self, tag: str) -> int:
        members = await self._client.smembers(self._prefix + tag)
        keys = [self._prefix + str(member) for member in members]
        count = await self._client.unlink(*keys) if keys else 0
        await self._client.unlink(self._prefix + tag)
        return int(count)

    async def close(self) -> None:
        await self._client.aclose()
