"""A small graphql-transport-ws client on aiohttp, for what the `graphql-ws` client hides:
single protocol messages (pings, a refused `subscribe`), and subgraphs spoken to directly."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import orjson

__all__ = ["Closed", "ProtocolClient", "connected"]

WAIT = 15.0


class Closed(Exception):
    """The server closed the connection with `code`."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"closed with {code}")
        self.code = code


class ProtocolClient:
    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send_str(orjson.dumps(message).decode())

    async def receive(self, wait: float = WAIT) -> dict[str, Any]:
        """The next message; `Closed` when the server closed instead."""
        message = await self.socket.receive(timeout=wait)
        if message.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
            decoded: dict[str, Any] = orjson.loads(message.data)
            return decoded
        raise Closed(self.socket.close_code)

    async def subscribe(self, identifier: str, query: str) -> None:
        await self.send({"id": identifier, "type": "subscribe", "payload": {"query": query}})


@contextlib.asynccontextmanager
async def connected(
    url: str,
    token: str | None = None,
    *,
    init: bool = True,
    headers: Mapping[str, str] | None = None,
) -> AsyncIterator[ProtocolClient]:
    """A connection to `url` (http or ws), initialised with the token unless `init` is off;
    `headers` go on the upgrade request."""
    headers = {**(headers or {}), **({"authorization": f"Bearer {token}"} if token else {})}
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url, protocols=("graphql-transport-ws",), headers=headers) as socket,
    ):
        client = ProtocolClient(socket)
        if init:
            await client.send({"type": "connection_init", "payload": {}})
            ack = await client.receive()
            assert ack["type"] == "connection_ack", ack
        yield client
