"""The wire of accounts' revocation feed on Redis, for its publisher and every subscriber.

Accounts publishes each sign-out on `CHANNEL` and keeps the revoked token ids in `REVOKED_SET`
(scored by expiry); each subscriber counts an acknowledgement under `ACKS_PREFIX + jti`. The
subgraphs (`subgraphs/common/revocations.py`) and the gateway's streams
(`gateway/subscriptions/revocations.py`) both subscribe, so the names and the subscribe
handshake are written once, here. Like `gateway/jwks.py`, it imports nothing else of the
gateway, so a subgraph loads this module alone.
"""

from __future__ import annotations

import time
from typing import Final

from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

__all__ = ["ACKS_PREFIX", "CHANNEL", "RETRY_SECONDS", "REVOKED_SET", "confirmed", "retry_delay"]

CHANNEL: Final = "accounts-center:revocations"
REVOKED_SET: Final = "accounts-center:revoked"
ACKS_PREFIX: Final = "accounts-center:revocation-acks:"
RETRY_SECONDS: Final = (0.1, 0.5, 1.0, 2.0)


def retry_delay(failures: int) -> float:
    """How long a subscriber waits before its next reconnection, after `failures` in a row."""
    return RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]


async def confirmed(pubsub: PubSub, within: float, poll: float) -> None:
    """Wait until Redis confirms the subscription: a subscriber that loaded `REVOKED_SET`
    before that could miss a sign-out published in between."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        message = await pubsub.get_message(timeout=poll)
        if message is not None and message.get("type") == "subscribe":
            return
    raise RedisError("the subscription was not confirmed")
