"""Parallel children start eagerly and keep `asyncio.gather`'s meaning."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from gateway.executor.execute import _parallel


async def test_children_that_wait_run_concurrently_and_start_in_order() -> None:
    events: list[str] = []
    all_started = asyncio.Event()

    async def child(name: str, delay: float) -> None:
        events.append(f"start {name}")
        if len(events) == 3:
            all_started.set()
        await all_started.wait()  # run one after another, the first would wait forever
        await asyncio.sleep(delay)
        events.append(f"end {name}")

    children = [child("a", 0.05), child("b", 0.05), child("c", 0.01)]
    await asyncio.wait_for(_parallel(children), timeout=10)
    assert events[:3] == ["start a", "start b", "start c"]
    assert events[3] == "end c"
    assert sorted(events[4:]) == ["end a", "end b"]


async def test_children_that_never_wait_finish_before_it_returns() -> None:
    done: list[int] = []

    async def child(number: int) -> None:
        done.append(number)

    await _parallel([child(1), child(2)])
    assert done == [1, 2]


async def test_values_and_bare_yields_reach_the_resumed_child() -> None:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[int] = loop.create_future()
    seen: list[Any] = []

    async def child() -> None:
        seen.append(await future)
        await asyncio.sleep(0)
        seen.append("after a bare yield")

    async def resolver() -> None:
        await asyncio.sleep(0)
        future.set_result(42)

    await _parallel([child(), resolver()])
    assert seen == [42, "after a bare yield"]


async def test_a_single_waiting_child_runs_in_the_callers_task() -> None:
    seen: list[asyncio.Task[object] | None] = []

    async def child() -> None:
        await asyncio.sleep(0.001)
        seen.append(asyncio.current_task())

    await _parallel([child()])
    assert seen == [asyncio.current_task()]  # no task of its own after it first waited


async def test_an_early_failure_waits_for_the_others_then_propagates() -> None:
    finished: list[str] = []

    async def broken() -> None:
        raise ValueError("boom")

    async def slow() -> None:
        await asyncio.sleep(0.01)
        finished.append("slow")

    with pytest.raises(ValueError, match="boom"):
        await _parallel([broken(), slow()])
    assert finished == ["slow"]


async def test_a_failure_after_waiting_propagates() -> None:
    async def broken(delay: float) -> None:
        await asyncio.sleep(delay)
        raise KeyError("late")

    with pytest.raises(KeyError, match="late"):
        await _parallel([broken(0.001), broken(0.002)])


async def test_cancelling_the_caller_cancels_waiting_children() -> None:
    cancelled: list[str] = []
    entered = asyncio.Event()

    async def child(name: str) -> None:
        try:
            entered.set()
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(name)
            raise

    task = asyncio.ensure_future(_parallel([child("a"), child("b")]))
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(cancelled) == ["a", "b"]


async def test_a_child_may_survive_a_cancellation_thrown_at_its_first_wait() -> None:
    outcome: list[str] = []

    async def stubborn() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            outcome.append("caught")
        await asyncio.sleep(0)
        outcome.append("finished")

    task = asyncio.ensure_future(_parallel([stubborn()]))
    await asyncio.sleep(0)
    task.cancel()
    await task
    assert outcome == ["caught", "finished"]


@pytest.mark.parametrize("turns", [0, 1, 3])
async def test_cancelling_at_any_point_cancels_what_the_children_wait_on(turns: int) -> None:
    loop = asyncio.get_running_loop()
    futures: list[asyncio.Future[None]] = [loop.create_future(), loop.create_future()]
    seen: list[str] = []

    async def child(future: asyncio.Future[None]) -> None:
        try:
            await future
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    async def run() -> None:
        await _parallel([child(f) for f in futures])

    task = asyncio.ensure_future(run())
    for _ in range(turns):
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    if turns:
        assert all(f.cancelled() for f in futures)
        assert seen == ["cancelled", "cancelled"]
