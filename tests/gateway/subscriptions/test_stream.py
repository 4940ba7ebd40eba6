"""`SubscriptionStream`: the bounded queue between a subgraph's events and a slow client."""

from __future__ import annotations

import asyncio

from gateway.subscriptions import SubscriptionStream


def test_a_client_that_falls_behind_ends_the_stream_as_overflowed() -> None:
    async def run() -> None:
        stream = SubscriptionStream(queue_size=2)
        assert stream.put({"data": 1})
        assert stream.put({"data": 2})
        assert not stream.put({"data": 3})  # a third waiting answer is one too many
        assert stream.overflowed
        assert await stream.next() is None  # what was queued is not sent: the client is cut
        assert await stream.next() is None

    asyncio.run(run())


def test_answers_then_the_end_in_order() -> None:
    async def run() -> None:
        stream = SubscriptionStream(queue_size=2)
        assert stream.put({"data": 1})
        stream.end()
        assert await stream.next() == {"data": 1}
        assert await stream.next() is None
        assert not stream.overflowed

    asyncio.run(run())


def test_waiting_for_an_answer_can_time_out_and_resume() -> None:
    async def run() -> None:
        stream = SubscriptionStream(queue_size=2)
        try:
            async with asyncio.timeout(0.01):
                await stream.next()
        except TimeoutError:
            pass
        stream.put({"data": 1})
        assert await stream.next() == {"data": 1}

    asyncio.run(run())
