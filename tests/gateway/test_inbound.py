"""InboundDedup: one run per key in flight; its result, failure or cancellation reach all."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from gateway.inbound import InboundDedup


class Runs:
    """Counts runs; each waits until released, so callers overlap."""

    def __init__(self) -> None:
        self.count = 0
        self.release = asyncio.Event()

    async def body(self) -> dict[str, Any]:
        self.count += 1
        await self.release.wait()
        return {"data": {"n": self.count}}

    async def failing(self) -> dict[str, Any]:
        self.count += 1
        await self.release.wait()
        raise RuntimeError("boom")


async def test_same_key_shares_one_run_and_other_keys_do_not() -> None:
    dedup, runs = InboundDedup(), Runs()
    calls = [
        dedup.run(("a",), runs.body),
        dedup.run(("a",), runs.body),
        dedup.run(("b",), runs.body),
    ]
    tasks = [asyncio.ensure_future(call) for call in calls]
    await asyncio.sleep(0)
    runs.release.set()
    first, second, other = await asyncio.gather(*tasks)
    assert runs.count == 2
    assert first is second
    assert other is not first
    assert len(dedup) == 0


async def test_a_failure_reaches_every_waiter_and_is_forgotten() -> None:
    dedup, runs = InboundDedup(), Runs()
    tasks = [asyncio.ensure_future(dedup.run(("a",), runs.failing)) for _ in range(2)]
    await asyncio.sleep(0)
    runs.release.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert [type(result) for result in results] == [RuntimeError, RuntimeError]
    assert runs.count == 1
    assert len(dedup) == 0


async def test_a_cancelled_leader_cancels_its_followers() -> None:
    dedup, runs = InboundDedup(), Runs()
    leader = asyncio.ensure_future(dedup.run(("a",), runs.body))
    await asyncio.sleep(0)
    follower = asyncio.ensure_future(dedup.run(("a",), runs.body))
    await asyncio.sleep(0)
    leader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(follower, 5)  # a follower left waiting would time out instead
    assert len(dedup) == 0
