"""Per-client rate limits: a fixed window of `requests` per `window_seconds` for each client.

A client is the verified token's subject when there is one (so one person is one client on
every device), else the value of the client-id header, else the peer address. Counters live in
the shared store: in memory for one gateway, in Redis when replicas must share one limit
(each window is one `INCR` with an expiry, so replicas never need to talk to each other).
Over the limit the request gets 429 RATE_LIMITED with `Retry-After`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from gateway.security.authentication import Claims
from gateway.security.settings import RateLimitConfig
from gateway.stores import KeyValueStore, open_store

__all__ = ["RATE_LIMITED", "RateLimited", "RateLimiter", "client_key"]

RATE_LIMITED = "RATE_LIMITED"


@dataclass(frozen=True, slots=True, kw_only=True)
class RateLimited:
    client: str
    retry_after: int


def client_key(claims: Claims, headers: Mapping[str, str], header: str, peer: str | None) -> str:
    """Who is asking: token subject, then client-id header, then peer address."""
    if claims.subject is not None:
        return f"sub:{claims.subject}"
    named = headers.get(header, "").strip()
    if named:
        return f"client:{named[:200]}"
    return f"peer:{peer or 'unknown'}"


class RateLimiter:
    """Counts one request per call and says when a client is over its limit."""

    def __init__(self, config: RateLimitConfig, store: KeyValueStore | None = None) -> None:
        self._config = config
        self._store = store or open_store(config.redis_url, "gateway:rate:")

    async def hit(self, client: str) -> RateLimited | None:
        window = self._config.window_seconds
        now = time.time()
        started = int(now // window) * window
        count = await self._store.incr(f"{client}:{started}", window + 1)
        if count <= self._config.requests:
            return None
        return RateLimited(client=client, retry_after=max(1, int(started + window - now) + 1))
