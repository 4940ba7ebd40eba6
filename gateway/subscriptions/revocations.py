"""The gateway's end of accounts' revocation feed: a sign-out ends the streams its token opened.

Accounts pushes each sign-out over Redis pub/sub before it records it (the subgraphs' side is
`subgraphs/common/revocations.py`; the wire both read is `gateway/revocation_wire.py`). The
publisher waits until every receiver has counted an acknowledgement, so the gateway, once
subscribed, acknowledges each message too: otherwise every sign-out would wait out the
publisher's two-second fallback.

Only open streams need this (each request is checked by the subgraphs anyway), so the gateway
keeps none of the subgraphs' trust rule: when Redis is unreachable it retries with a backoff,
and a stream then lasts until its token expires at the latest. After each (re)connection it
subscribes first and then reads the set of revoked ids, so a sign-out in between is not missed.
Redis's own client (redis-py's asyncio API) carries the protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any, Final

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.revocation_wire import ACKS_PREFIX, CHANNEL, REVOKED_SET, confirmed, retry_delay
from gateway.stores import redis_client

__all__ = ["RevocationFeed"]

log = logging.getLogger("gateway.subscriptions")

CONFIRM_SECONDS: Final = 2.0
_POLL_SECONDS: Final = 1.0


class RevocationFeed:
    """Calls `revoked(jti)` for every sign-out pushed on `url`'s Redis, until `close()`."""

    def __init__(self, url: str, revoked: Callable[[str], None]) -> None:
        self._url = url
        self._revoked = revoked
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()
        """Set once subscribed and loaded (tests wait for it before signing out)."""

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._follow())

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _follow(self) -> None:
        failures = 0
        while True:
            try:
                await self._listen()
            except (RedisError, OSError) as error:
                self.listening.clear()
                delay = retry_delay(failures)
                failures += 1
                log.warning("revocation feed lost (%s); retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)

    async def _listen(self) -> None:
        client = redis_client(self._url)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(CHANNEL)
            await confirmed(pubsub, CONFIRM_SECONDS, _POLL_SECONDS)
            revoked = await client.zrangebyscore(REVOKED_SET, time.time(), "+inf")
            for jti in revoked:
                self._revoked(str(jti))
            self.listening.set()
            while True:
                message = await pubsub.get_message(timeout=_POLL_SECONDS)
                if message is not None and message.get("type") == "message":
                    await self._handle(client, message)
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            await client.aclose()

    async def _handle(self, client: Redis, message: dict[str, Any]) -> None:
        jti = str(message["data"]).partition(" ")[0]
        self._revoked(jti)
        await client.incr(ACKS_PREFIX + jti)
