"""The session watch alone: each watch is told once, never after it is released, and a token
without `exp` or `jti` (an anonymous caller) is never told."""

from __future__ import annotations

import asyncio
import time

from gateway.security import ANONYMOUS, Claims
from gateway.subscriptions import SessionEnd
from gateway.subscriptions.sessions import SessionWatch


def test_a_sign_out_tells_each_watch_of_that_token_once() -> None:
    async def run() -> None:
        watch = SessionWatch()
        heard: list[tuple[str, SessionEnd]] = []
        token = Claims(values={"jti": "a", "exp": time.time() + 600})
        watch.watch(token, lambda end: heard.append(("first", end)))
        watch.watch(token, lambda end: heard.append(("second", end)))
        released = watch.watch(token, lambda end: heard.append(("released", end)))
        watch.watch(Claims(values={"jti": "b"}), lambda end: heard.append(("other", end)))
        watch.release(released)
        watch.revoked("a")
        watch.revoked("a")
        assert sorted(heard) == [
            ("first", SessionEnd.SIGNED_OUT),
            ("second", SessionEnd.SIGNED_OUT),
        ]
        assert watch.watched_tokens == 1  # only "b" is left

    asyncio.run(run())


def test_expiry_tells_the_watch_and_forgets_it() -> None:
    async def run() -> None:
        watch = SessionWatch()
        told = asyncio.Event()
        ends: list[SessionEnd] = []

        def on_end(end: SessionEnd) -> None:
            ends.append(end)
            told.set()

        watch.watch(Claims(values={"jti": "c", "exp": time.time() - 1}), on_end)
        watch.watch(ANONYMOUS, on_end)
        await asyncio.wait_for(told.wait(), 5)
        watch.revoked("c")
        assert ends == [SessionEnd.EXPIRED]
        assert watch.watched_tokens == 0

    asyncio.run(run())
