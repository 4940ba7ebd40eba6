"""Open streams end with the token that opened them: at its `exp`, or when it is signed out.

A query is checked once, when it arrives; a subscription can outlive its token by hours. So each
stream opened with a token is watched: a timer at the token's `exp`, and an entry under its
`jti` that the revocation feed (`revocations.py`) fires when accounts pushes a sign-out. Either
way the watcher is told once (`SessionEnd`), and the transport ends what the token opened: the
WebSocket closes with 4403, an SSE or multipart stream gets an UNAUTHENTICATED error and ends.
A caller without a token (auth off, or anonymous) is not watched.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable
from typing import Any

from gateway.security import Claims

__all__ = ["SessionEnd", "SessionWatch", "Watched"]


class SessionEnd(enum.Enum):
    """Why a watched token stopped being good."""

    EXPIRED = "expired"
    SIGNED_OUT = "signed out"

    def error(self) -> dict[str, Any]:
        """The GraphQL error that ends an HTTP stream for this reason."""
        what = "expired" if self is SessionEnd.EXPIRED else "was signed out"
        return {
            "message": f"The token {what}: sign in again, then subscribe again.",
            "extensions": {"code": "UNAUTHENTICATED"},
        }


class Watched:
    """One watch: told at most once, and never after `cancel()`."""

    def __init__(self, on_end: Callable[[SessionEnd], None], jti: str | None) -> None:
        self._on_end: Callable[[SessionEnd], None] | None = on_end
        self.jti = jti
        self.timer: asyncio.TimerHandle | None = None

    def fire(self, end: SessionEnd) -> None:
        on_end, self._on_end = self._on_end, None
        self.cancel()
        if on_end is not None:
            on_end(end)

    def cancel(self) -> None:
        self._on_end = None
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class SessionWatch:
    """The watches of one app, by token id, for the revocation feed to fire."""

    def __init__(self) -> None:
        self._by_jti: dict[str, set[Watched]] = {}

    def watch(self, claims: Claims, on_end: Callable[[SessionEnd], None]) -> Watched:
        """Call `on_end` once when the token of `claims` expires or is signed out."""
        jti = claims.values.get("jti")
        watched = Watched(on_end, jti if isinstance(jti, str) and jti else None)
        exp = claims.values.get("exp")
        if isinstance(exp, int | float) and not isinstance(exp, bool):
            delay = max(0.0, float(exp) - time.time())
            loop = asyncio.get_running_loop()
            watched.timer = loop.call_later(delay, self._expired, watched)
        if watched.jti is not None:
            self._by_jti.setdefault(watched.jti, set()).add(watched)
        return watched

    def release(self, watched: Watched) -> None:
        """The stream ended on its own: forget its watch."""
        watched.cancel()
        self._forget(watched)

    def revoked(self, jti: str) -> None:
        """Accounts signed the token `jti` out: end everything it opened."""
        for watched in self._by_jti.pop(jti, set()):
            watched.fire(SessionEnd.SIGNED_OUT)

    @property
    def watched_tokens(self) -> int:
        return len(self._by_jti)

    def _expired(self, watched: Watched) -> None:
        watched.timer = None
        self._forget(watched)
        watched.fire(SessionEnd.EXPIRED)

    def _forget(self, watched: Watched) -> None:
        if watched.jti is None:
            return
        entries = self._by_jti.get(watched.jti)
        if entries is not None:
            entries.discard(watched)
            if not entries:
                del self._by_jti[watched.jti]
