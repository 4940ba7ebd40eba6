"""One subscription to one subgraph over graphql-transport-ws, as a stream of subgraph results.

The gateway opens a WebSocket to the subgraph's URL (aiohttp's client, on a session the
`Subscriptions` own), sends the forwarded headers both on the upgrade request and as the
`connection_init` payload (subgraph servers read one or the other: Strawberry the first, Apollo
Server and graphql-yoga the second), waits for `connection_ack`, and subscribes. Each `next` is
checked like an HTTP answer (`response_from_payload`) and yielded. `complete` ends the stream;
an `error` message is yielded as a response with those errors and ends it; anything else that
ends the socket (the subgraph stopped, its connection dropped, a missed heartbeat) yields one
`SubgraphFailure` with `SUBGRAPH_SUBSCRIPTION_CLOSED`, so the client hears why its stream ended.
Never raises for subgraph problems, like the HTTP transport.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, Final

import aiohttp
import orjson

from gateway.subscriptions.protocol import (
    COMPLETE,
    CONNECTION_ACK,
    CONNECTION_INIT,
    ERROR,
    NEXT,
    PING,
    PONG,
    PROTOCOL,
    SUBSCRIBE,
)
from gateway.transports import (
    SubgraphFailure,
    SubgraphRequest,
    SubgraphResponse,
    SubgraphResult,
    response_from_payload,
)

__all__ = ["SUBGRAPH_SUBSCRIPTION_CLOSED", "subscribe_upstream"]

SUBGRAPH_SUBSCRIPTION_CLOSED: Final = "SUBGRAPH_SUBSCRIPTION_CLOSED"
_OPERATION_ID: Final = "1"


async def subscribe_upstream(
    session: aiohttp.ClientSession,
    service_name: str,
    url: str,
    request: SubgraphRequest,
    *,
    ack_timeout: float,
    heartbeat: float,
) -> AsyncGenerator[SubgraphResult, None]:
    """The subgraph's events for `request` (see the module docstring)."""
    try:
        async with session.ws_connect(
            url,
            protocols=(PROTOCOL,),
            headers=dict(request.headers),
            heartbeat=heartbeat,
        ) as socket:
            await _send(socket, {"type": CONNECTION_INIT, "payload": dict(request.headers)})
            acked = await asyncio.wait_for(_acknowledged(socket), ack_timeout)
            if not acked:
                yield _closed(service_name, "did not acknowledge the connection")
                return
            subscribe = {"id": _OPERATION_ID, "type": SUBSCRIBE, "payload": request.body()}
            await _send(socket, subscribe)
            async for result in _results(socket, service_name):
                yield result
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        yield _closed(service_name, f"could not be reached ({type(error).__name__})")


async def _acknowledged(socket: aiohttp.ClientWebSocketResponse) -> bool:
    async for message in socket:
        decoded = _decoded(message)
        if decoded is None:
            return False
        if decoded.get("type") == CONNECTION_ACK:
            return True
        if decoded.get("type") == PING:
            await _send(socket, {"type": PONG})
    return False


async def _results(
    socket: aiohttp.ClientWebSocketResponse, service_name: str
) -> AsyncIterator[SubgraphResult]:
    async for message in socket:
        decoded = _decoded(message)
        if decoded is None:
            break
        kind = decoded.get("type")
        if kind == NEXT:
            yield response_from_payload(service_name, decoded.get("payload"))
        elif kind == ERROR:
            yield _refused(service_name, decoded.get("payload"))
            return
        elif kind == COMPLETE:
            return
        elif kind == PING:
            await _send(socket, {"type": PONG})
    yield _closed(service_name, "closed the subscription")


async def _send(socket: aiohttp.ClientWebSocketResponse, message: dict[str, Any]) -> None:
    """A text frame: the protocol's messages are text (Strawberry closes on binary ones)."""
    await socket.send_str(orjson.dumps(message).decode())


def _decoded(message: aiohttp.WSMessage) -> dict[str, Any] | None:
    """The message as a JSON object, or None when the socket ended or sent something else."""
    if message.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
        return None
    try:
        decoded = orjson.loads(message.data)
    except orjson.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, dict) else None


def _refused(service_name: str, payload: object) -> SubgraphResult:
    """An `error` message: the subgraph's GraphQL errors, which end the operation."""
    if isinstance(payload, list) and payload and all(isinstance(e, dict) for e in payload):
        return SubgraphResponse(data=None, errors=tuple(payload))
    return _closed(service_name, "refused the subscription")


def _closed(service_name: str, what: str) -> SubgraphFailure:
    return SubgraphFailure(
        message=f"Subgraph '{service_name}' {what}.", code=SUBGRAPH_SUBSCRIPTION_CLOSED
    )
