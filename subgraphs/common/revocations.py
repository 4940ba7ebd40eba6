"""Pushed token revocations: a local set fed over Redis, so a token check costs no network call.

Without this, every subgraph request that carries a token asks accounts over HTTP whether it was
revoked (`IntrospectionRevocationCheck`). With `REDIS_URL` set, accounts pushes each sign-out
and every process keeps the revoked token ids in memory. The promise stays "sign-out holds
everywhere at once", which is why this is more than a pub/sub listener:

- **Publish first.** Sign-out adds the `jti` to a sorted set (scored by the token's expiry) and
  publishes it, in one transaction, *before* the session is revoked in accounts' database. If
  Redis cannot be reached the sign-out fails with a retryable SERVICE_UNAVAILABLE and nothing
  changed anywhere; it never succeeds on some subgraphs only.
- **Acknowledged.** Each subscriber adds the id to its set and then counts an acknowledgement.
  Sign-out waits for as many acknowledgements as PUBLISH reported receivers, or, if some never
  come (a subscriber whose connection died silently), for `TRUST_SECONDS`, after which that
  subscriber no longer trusts its set (below). Either way, when sign-out answers, no process
  accepts the token.
- **Trusted only while provably connected.** A subscriber pings Redis through its subscription
  every `PING_SECONDS`; it trusts its set for `TRUST_SECONDS` after the time it *sent* a ping
  that was answered (a pong comes after every message published before the ping). Otherwise
  (Redis down, connection lost, still loading) it asks its fallback, the introspection route,
  exactly as without Redis.
- **No gap on (re)connect.** A subscriber subscribes first and then loads the sorted set, so a
  revocation published in between is seen at least once.

Redis's own clients (redis-py's asyncio API) carry the protocol; what is written here is only
the trust rule above, which no library offers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from typing import Any, cast

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from gateway.revocation_wire import ACKS_PREFIX, CHANNEL, REVOKED_SET, confirmed, retry_delay
from subgraphs.common.auth import RevocationCheck
from subgraphs.common.errors import AppError, ErrorCode

__all__ = ["PushedRevocations", "RevocationPublisher"]

log = logging.getLogger(__name__)

PING_SECONDS = 0.5
TRUST_SECONDS = 2.0
ACK_TTL_SECONDS = 60
PRUNE_EVERY = 1024


class PushedRevocations:
    """A `RevocationCheck` answered from memory while the Redis feed is provably live."""

    def __init__(self, client: aioredis.Redis, fallback: RevocationCheck) -> None:
        self._redis = client
        self._fallback = fallback
        self._revoked: dict[str, float] = {}
        self._trusted_until = float("-inf")
        self._pings: deque[float] = deque()
        self._added = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def live(self) -> bool:
        """Whether the local set is trusted right now."""
        return time.monotonic() < self._trusted_until

    async def is_active(self, jti: str) -> bool:
        if self.live:
            return jti not in self._revoked
        return await self._fallback.is_active(jti)

    def start(self) -> None:
        """Follow the feed in the background until `close()`."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._follow())

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._trusted_until = float("-inf")

    async def _follow(self) -> None:
        """Subscribe, load, listen; on any failure stop trusting and reconnect with backoff."""
        failures = 0
        while True:
            try:
                await self._listen()
            except (RedisError, OSError) as error:
                self._trusted_until = float("-inf")
                delay = retry_delay(failures)
                failures += 1
                log.warning("revocation feed lost (%s); retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)
            else:  # pragma: no cover - _listen only returns by raising
                failures = 0

    async def _listen(self) -> None:
        pubsub = self._redis.pubsub()
        try:
            await pubsub.subscribe(CHANNEL)
            await confirmed(pubsub, TRUST_SECONDS, PING_SECONDS)
            await self._load()
            self._pings.clear()
            next_ping = 0.0
            while True:
                now = time.monotonic()
                if now >= next_ping:
                    self._pings.append(now)
                    await pubsub.ping()
                    next_ping = now + PING_SECONDS
                message = await pubsub.get_message(timeout=max(0.0, next_ping - now))
                if message is not None:
                    await self._handle(message)
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _load(self) -> None:
        """Every revocation of a token that has not expired yet."""
        entries = await self._redis.zrangebyscore(REVOKED_SET, time.time(), "+inf", withscores=True)
        self._revoked = {
            _text(jti): float(exp) for jti, exp in cast(list[tuple[bytes, float]], entries)
        }

    async def _handle(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "pong" and self._pings:
            self._trusted_until = self._pings.popleft() + TRUST_SECONDS
        elif kind == "message":
            jti, _, expiry = _text(message["data"]).partition(" ")
            self._revoked[jti] = float(expiry or "inf")
            self._prune()
            await self._redis.incr(ACKS_PREFIX + jti)

    def _prune(self) -> None:
        self._added += 1
        if self._added % PRUNE_EVERY == 0:
            now = time.time()
            self._revoked = {jti: exp for jti, exp in self._revoked.items() if exp > now}


class RevocationPublisher:
    """Accounts' side: push a sign-out to every subscriber before it is recorded."""

    def __init__(self, client: aioredis.Redis) -> None:
        self._redis = client

    async def revoke(self, jti: str, expires_at: float) -> None:
        """Return once every subscriber holds the revocation or has stopped trusting its set."""
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(ACKS_PREFIX + jti, 0, ex=ACK_TTL_SECONDS)
                pipe.zadd(REVOKED_SET, {jti: expires_at})
                pipe.zremrangebyscore(REVOKED_SET, "-inf", time.time())
                pipe.publish(CHANNEL, f"{jti} {expires_at}")
                results = await pipe.execute()
        except (RedisError, OSError) as error:
            raise AppError(
                ErrorCode.SERVICE_UNAVAILABLE, "Sign-out cannot be shared right now; try again."
            ) from error
        await self._acknowledged(jti, int(results[3]))

    async def _acknowledged(self, jti: str, receivers: int) -> None:
        """Wait for `receivers` acknowledgements, at most `TRUST_SECONDS` (see module doc)."""
        deadline = time.monotonic() + TRUST_SECONDS
        pause = 0.001
        while receivers > 0 and time.monotonic() < deadline:
            try:
                acks = int(await self._redis.get(ACKS_PREFIX + jti) or 0)
            except (RedisError, OSError):
                acks = 0
            if acks >= receivers:
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)
        if receivers > 0:
            await asyncio.sleep(max(0.0, deadline - time.monotonic()))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
