"""Many graphql-transport-ws subscriptions from one asyncio process, and when each heard what.

One WebSocket per subscription (as browsers open them), each initialised with its person's
token in the `connection_init` payload, then one `subscribe`. Every `next` is stamped with
`time.perf_counter()` on arrival and put in the client's own list; the benchmark publishes the
events in this process too, so publish and receipt are read from one clock. Everything is
bounded: opening waits at most `OPEN_SECONDS` per socket, and `close_all` ends every reader.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

import aiohttp
import orjson

__all__ = ["Subscriber", "close_all", "open_subscribers"]

OPEN_SECONDS = 15.0
OPENING_AT_ONCE = 50


@dataclass(eq=False)
class Subscriber:
    """One subscription: whose it is and the arrival time of every event it heard."""

    person: int
    socket: aiohttp.ClientWebSocketResponse
    heard: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        async for message in self.socket:
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            body = orjson.loads(message.data)
            kind = body.get("type")
            if kind == "next":
                self.heard.append(time.perf_counter())
                errors = (body.get("payload") or {}).get("errors")
                if errors:
                    self.errors.append(str(errors)[:200])
            elif kind == "ping":
                await self.socket.send_str('{"type":"pong"}')
            elif kind in ("error", "complete"):
                self.errors.append(f"{kind}: {str(body)[:200]}")


async def _open_one(
    session: aiohttp.ClientSession, url: str, token: str, query: str, person: int
) -> Subscriber:
    socket = await session.ws_connect(
        url, protocols=("graphql-transport-ws",), timeout=aiohttp.ClientWSTimeout(ws_close=2)
    )
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
    await socket.send_str(orjson.dumps(init).decode())
    ack = await socket.receive(timeout=OPEN_SECONDS)
    if ack.type is not aiohttp.WSMsgType.TEXT or orjson.loads(ack.data).get("type") != (
        "connection_ack"
    ):
        await socket.close()
        raise RuntimeError(f"no connection_ack: {ack.type} {ack.data!r}")
    subscribe = {"id": "1", "type": "subscribe", "payload": {"query": query}}
    await socket.send_str(orjson.dumps(subscribe).decode())
    subscriber = Subscriber(person=person, socket=socket)
    subscriber.reader = asyncio.create_task(subscriber.read())
    return subscriber


async def open_subscribers(
    session: aiohttp.ClientSession, url: str, tokens: list[str], query: str, count: int
) -> list[Subscriber]:
    """`count` subscriptions, spread round-robin over the people of `tokens`."""
    gate = asyncio.Semaphore(OPENING_AT_ONCE)
    ws_url = url.replace("http://", "ws://", 1)

    async def one(index: int) -> Subscriber:
        person = index % len(tokens)
        async with gate:
            return await asyncio.wait_for(
                _open_one(session, ws_url, tokens[person], query, person), OPEN_SECONDS
            )

    return list(await asyncio.gather(*(one(index) for index in range(count))))


async def close_all(subscribers: list[Subscriber]) -> None:
    """Complete and close every subscription, and end its reader."""

    async def close(subscriber: Subscriber) -> None:
        with contextlib.suppress(Exception):
            await subscriber.socket.send_str('{"id":"1","type":"complete"}')
            await asyncio.wait_for(subscriber.socket.close(), 2)
        if subscriber.reader is not None:
            subscriber.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await subscriber.reader

    await asyncio.gather(*(close(subscriber) for subscriber in subscribers))
