"""GraphQL over WebSocket at the GraphQL path: the graphql-transport-ws protocol.

The `graphql-ws` library's protocol (its PROTOCOL.md): the client sends `connection_init`
within `subscriptions.init_timeout` (else close 4408); its payload's `Authorization` (or
`authorization`) is the caller's token, else the upgrade request's header, checked like an HTTP
request's (a refused token closes with 4403, which the library's client does not retry); when
that token expires or is signed out (`gateway/subscriptions/sessions.py`) the connection closes
with 4403 too, whatever it is running. Then
each `subscribe` runs one operation (`streaming.py`): `next` for each answer, `complete` at the
end, or `error` for an operation that cannot run. A client's `complete` stops its operation.
The gateway pings every `subscriptions.keepalive` seconds. At most
`subscriptions.max_per_connection` operations run at once on one connection (one more gets an
`error` with TOO_MANY_SUBSCRIPTIONS); an operation whose answers pile up past
`subscriptions.queue_size` closes the connection with 4408 (the client does not read).
Protocol mistakes close the connection with the library's codes (4400, 4401, 4409, 4429).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from gateway.plugins import PluginChain
from gateway.runtime import GraphQLRequest
from gateway.security import Refusal
from gateway.server.endpoint import GraphQLEndpoint
from gateway.server.params import RequestProblem, from_json
from gateway.server.streaming import start_operation, too_many
from gateway.subscriptions import (
    BAD_REQUEST,
    COMPLETE,
    CONNECTION_ACK,
    CONNECTION_INIT,
    DUPLICATE_ID,
    ERROR,
    FORBIDDEN,
    INIT_TIMEOUT,
    NEXT,
    PING,
    PONG,
    PROTOCOL,
    SLOW_CONSUMER,
    SUBSCRIBE,
    TOO_MANY_INITS,
    UNAUTHORIZED,
    SessionEnd,
    Subscriptions,
    Watched,
)

__all__ = ["WebSocketEndpoint"]


class _Closed(Exception):
    """The connection is to be closed with `code` (a protocol mistake or a refusal)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class WebSocketEndpoint:
    """Serves graphql-transport-ws connections (see the module docstring)."""

    def __init__(
        self,
        endpoint: GraphQLEndpoint,
        subscriptions: Subscriptions,
        plugins: PluginChain | None = None,
    ) -> None:
        self._endpoint = endpoint
        self._subscriptions = subscriptions
        self._plugins = plugins
        """The plugins with request hooks, run per `subscribe` (`streaming.py`); None: none."""

    async def handle(self, websocket: WebSocket) -> None:
        if PROTOCOL not in websocket.scope.get("subprotocols", ()):
            await websocket.close(4406, "Subprotocol not acceptable")
            return
        await websocket.accept(subprotocol=PROTOCOL)
        await _Connection(websocket, self._endpoint, self._subscriptions, self._plugins).serve()


class _Connection:
    """One client connection: its headers once initialised, and its running operations."""

    def __init__(
        self,
        websocket: WebSocket,
        endpoint: GraphQLEndpoint,
        subscriptions: Subscriptions,
        plugins: PluginChain | None,
    ) -> None:
        self._socket = websocket
        self._plugins = plugins
        self._endpoint = endpoint
        self._subscriptions = subscriptions
        self._settings = subscriptions.settings
        self._headers: dict[str, str] | None = None
        self._operations: dict[str, asyncio.Task[None]] = {}
        self._sending = asyncio.Lock()
        self._watched: Watched | None = None
        self._ending: asyncio.Task[None] | None = None
        client = websocket.client
        self._peer = client.host if client is not None else None

    async def serve(self) -> None:
        keepalive: asyncio.Task[None] | None = None
        try:
            await self._initialise()
            keepalive = asyncio.create_task(self._keepalive())  # pings once acknowledged
            while True:
                await self._dispatch(await self._receive())
        except _Closed as closed:
            with contextlib.suppress(Exception):
                await self._socket.close(closed.code, closed.reason[:120])
        except WebSocketDisconnect:
            pass
        finally:
            if self._watched is not None:
                self._subscriptions.sessions.release(self._watched)
            tasks = [*self._operations.values(), *([keepalive] if keepalive else [])]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _initialise(self) -> None:
        try:
            message = await asyncio.wait_for(self._receive(), self._settings.init_timeout)
        except TimeoutError:
            raise _Closed(INIT_TIMEOUT, "Connection initialisation timeout") from None
        if message.get("type") != CONNECTION_INIT:
            raise _Closed(UNAUTHORIZED, "Unauthorized")
        headers = _headers(self._socket.headers, message.get("payload"))
        claims = await self._endpoint.authenticate(headers, self._peer)
        if isinstance(claims, Refusal):
            raise _Closed(FORBIDDEN, "Forbidden")
        self._watched = self._subscriptions.sessions.watch(claims, self._session_ended)
        self._headers = headers
        await self._send({"type": CONNECTION_ACK})

    async def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == PING:
            await self._send({"type": PONG})
        elif kind == PONG:
            return
        elif kind == CONNECTION_INIT:
            raise _Closed(TOO_MANY_INITS, "Too many initialisation requests")
        elif kind == SUBSCRIBE:
            await self._subscribe(message)
        elif kind == COMPLETE:
            task = self._operations.pop(str(message.get("id")), None)
            if task is not None:
                task.cancel()
        else:
            raise _Closed(BAD_REQUEST, f"Invalid message received: {kind!r}")

    async def _subscribe(self, message: dict[str, Any]) -> None:
        identifier, payload = message.get("id"), message.get("payload")
        if not isinstance(identifier, str) or not identifier or not isinstance(payload, dict):
            raise _Closed(BAD_REQUEST, "Invalid subscribe message")
        if identifier in self._operations:
            raise _Closed(DUPLICATE_ID, f"Subscriber for {identifier} already exists")
        if len(self._operations) >= self._settings.max_per_connection:
            limit = self._settings.max_per_connection
            error = too_many(f"At most {limit} operations may run at once on one connection.")
            await self._send({"id": identifier, "type": ERROR, "payload": [error]})
            return
        request = from_json(payload)
        if isinstance(request, RequestProblem):
            raise _Closed(BAD_REQUEST, f"Invalid subscribe payload: {request.message}")
        task = asyncio.create_task(self._run(identifier, request))
        self._operations[identifier] = task

    async def _run(self, identifier: str, request: GraphQLRequest) -> None:
        assert self._headers is not None
        try:
            started = await start_operation(
                self._endpoint,
                self._subscriptions,
                request,
                self._headers,
                self._peer,
                transport="websocket",
                plugins=self._plugins,
                path=self._socket.scope["path"],
            )
            if isinstance(started, list):
                await self._send({"id": identifier, "type": ERROR, "payload": started})
                return
            try:
                while (body := await started.next()) is not None:
                    await self._send({"id": identifier, "type": NEXT, "payload": body})
                if started.overflowed:
                    reason = "Slow consumer: too many events waiting"
                    await self._socket.close(SLOW_CONSUMER, reason)
                    return
                await self._send({"id": identifier, "type": COMPLETE})
            finally:
                await started.finish()  # after `complete`: shutdown waits for it
        except (WebSocketDisconnect, RuntimeError):
            return  # the client left; its other operations stop with the connection
        finally:
            if self._operations.get(identifier) is asyncio.current_task():
                del self._operations[identifier]

    def _session_ended(self, end: SessionEnd) -> None:
        """The connection's token expired or was signed out: close with 4403 (the receive
        loop then sees the disconnect and stops every operation)."""
        reason = (
            "Forbidden: the token expired" if end is SessionEnd.EXPIRED else "Forbidden: signed out"
        )
        self._ending = asyncio.create_task(self._close(FORBIDDEN, reason))

    async def _close(self, code: int, reason: str) -> None:
        async with self._sending:  # not in the middle of another frame
            with contextlib.suppress(Exception):
                await self._socket.close(code, reason)

    async def _keepalive(self) -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            while True:
                await asyncio.sleep(self._settings.keepalive)
                await self._send({"type": PING})

    async def _receive(self) -> dict[str, Any]:
        received = await self._socket.receive()
        if received["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(received.get("code", 1000))
        text = received.get("text")
        raw = text if text is not None else received.get("bytes")
        try:
            message = orjson.loads(raw) if raw is not None else None
        except orjson.JSONDecodeError:
            message = None
        if not isinstance(message, dict):
            raise _Closed(BAD_REQUEST, "Invalid message received")
        return message

    async def _send(self, message: dict[str, Any]) -> None:
        async with self._sending:  # one frame at a time, whichever operation sends it
            await self._socket.send_text(orjson.dumps(message).decode())


def _headers(upgrade: Mapping[str, str], payload: object) -> dict[str, str]:
    """The upgrade request's headers (lower-case names, the first of repeated ones), with the
    `connection_init` payload's `Authorization` in place of the header's when it has one."""
    headers: dict[str, str] = {}
    for name, value in upgrade.items():
        headers.setdefault(name.lower(), value)
    if isinstance(payload, dict):
        token = payload.get("Authorization", payload.get("authorization"))
        if isinstance(token, str):
            headers["authorization"] = token
    return headers
