"""The shared event bus: an event reaches its recipients' streams on its channel and nobody
else's, in-process and across two buses (two replicas) through a real redis-server; a slow
stream loses its oldest events; channels a bus does not carry are refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from devstack.redis_server import RedisServer
from subgraphs.common.events import QUEUE_SIZE, EventBus, decode, encode

A, B = "accounts-center:test:a", "accounts-center:test:b"


class _Heard:
    """What one stream has delivered, pumped into a queue by its own task.

    Waiting on the queue with a timeout is safe to repeat: a timed-out `anext` on the stream
    itself would cancel the generator and end it, and the next wait would then raise
    StopAsyncIteration instead of waiting again."""

    def __init__(self, stream: AsyncIterator[str]) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.task = asyncio.ensure_future(self._pump(stream))

    async def _pump(self, stream: AsyncIterator[str]) -> None:
        async for item in stream:
            self.queue.put_nowait(item)


_pumps: list[_Heard] = []


@pytest.fixture(autouse=True)
async def _stop_pumps() -> AsyncIterator[None]:
    yield
    for heard in _pumps:
        heard.task.cancel()
    await asyncio.gather(*(heard.task for heard in _pumps), return_exceptions=True)
    _pumps.clear()


async def _next(heard: _Heard, wait: float = 2.0) -> str | None:
    try:
        return await asyncio.wait_for(heard.queue.get(), wait)
    except TimeoutError:
        return None


async def _opened(bus: EventBus, channel: str, recipient: str) -> _Heard:
    """A stream that is registered on the bus (a generator registers on its first step)."""
    heard = _Heard(bus.stream(channel, recipient))
    _pumps.append(heard)
    await asyncio.sleep(0)  # the pump starts the generator
    await asyncio.sleep(0)  # which runs up to its first `queue.get()`
    assert bus.listening(channel, recipient)
    return heard


def test_messages_round_trip_and_malformed_ones_are_dropped() -> None:
    assert decode(encode("p1", "s1 FACEBOOK").encode()) == ("p1", "s1 FACEBOOK")
    assert decode(b"no-payload") is None
    assert decode(" leading") is None


async def test_an_event_reaches_its_recipient_on_its_channel_only() -> None:
    bus = EventBus(None, (A, B))
    mine = await _opened(bus, A, "owner")
    stranger = await _opened(bus, A, "stranger")
    other_channel = await _opened(bus, B, "owner")
    await bus.publish(A, ("owner",), "one")
    assert await _next(mine) == "one"
    assert await _next(stranger, 0.3) is None
    assert await _next(other_channel, 0.3) is None


async def test_every_recipient_hears_it_once() -> None:
    bus = EventBus(None, (A,))
    first, second = await _opened(bus, A, "p1"), await _opened(bus, A, "p2")
    await bus.publish(A, ("p1", "p2", "p1"), "x")
    assert await _next(first) == "x"
    assert await _next(second) == "x"
    assert await _next(first, 0.3) is None


async def test_a_slow_stream_keeps_the_newest_events() -> None:
    bus = EventBus(None, (A,))
    stream = await _opened(bus, A, "p")
    for index in range(QUEUE_SIZE + 10):
        await bus.publish(A, ("p",), str(index))
    assert await _next(stream) == "10"


async def test_a_closed_stream_leaves_nothing_behind() -> None:
    bus = EventBus(None, (A,))
    stream = bus.stream(A, "p")
    pending = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)
    assert bus.listening(A, "p") == 1
    pending.cancel()
    await asyncio.gather(pending, return_exceptions=True)
    await stream.aclose()
    assert bus.listening(A, "p") == 0


async def test_a_channel_the_bus_does_not_carry_is_refused() -> None:
    bus = EventBus(None, (A,))
    with pytest.raises(ValueError, match="not one of this bus's channels"):
        await bus.publish(B, ("p",), "x")


@pytest.fixture(scope="module")
def redis_server(test_output_root: Path) -> Iterator[RedisServer]:
    server = RedisServer(test_output_root / "events" / "redis.log").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.integration
async def test_two_replicas_share_events_through_redis(redis_server: RedisServer) -> None:
    first_client = aioredis.Redis.from_url(redis_server.url)
    second_client = aioredis.Redis.from_url(redis_server.url)
    first, second = EventBus(first_client, (A, B)), EventBus(second_client, (A, B))
    first.start()
    second.start()
    try:
        mine = await _opened(second, A, "owner")
        stranger = await _opened(second, A, "stranger")
        heard = None
        for attempt in range(20):  # the listener subscribes a moment after `start`
            await first.publish(A, ("owner",), f"e{attempt}")
            heard = await _next(mine, 0.25)
            if heard is not None:
                break
        assert heard is not None
        assert heard.startswith("e")
        assert await _next(stranger, 0.3) is None
        on_b = await _opened(first, B, "owner")
        await second.publish(B, ("owner",), "back")  # and the other way, on another channel
        assert await _next(on_b) == "back"
    finally:
        await first.close()
        await second.close()
        await first_client.aclose()
        await second_client.aclose()
