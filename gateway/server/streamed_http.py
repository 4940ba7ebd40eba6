"""Streamed HTTP answers at the GraphQL path: one loop for SSE and multipart subscriptions.

graphql-sse (`sse.py`) and Apollo's multipart HTTP subscriptions (`multipart_subscriptions.py`)
differ only in how they frame what they send: an answer, a heartbeat, a failure that ends the
stream, the end. Everything else is one copy here: reading the request (GET or a JSON POST, no
batches), the document pipeline and the subscription (`streaming.start_operation`), a
heartbeat after `every` seconds without an answer so proxies keep the connection, and how the
stream ends. It ends with the framing's end mark after the last answer; with a failure first
when the gateway stopped it (`SubscriptionStream.stop`: the caller's token expired or was signed
out); and without an end mark when the client stopped reading (`subscriptions.queue_size`
answers waiting), so the client sees a cut stream rather than a clean completion.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.plugins import PluginChain
from gateway.runtime import GraphQLRequest
from gateway.server.endpoint import GraphQLEndpoint
from gateway.server.negotiation import JSON
from gateway.server.params import BatchPayload, RequestProblem, from_get, from_post, read_body
from gateway.server.responses import error_body, graphql_response
from gateway.server.streaming import RequestErrors, start_operation
from gateway.subscriptions import Subscriptions, SubscriptionStream

__all__ = ["Framing", "StreamedEndpoint"]

_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Framing:
    """How one streamed protocol writes its parts."""

    name: str
    """The transport's name in metrics (`sse`, `multipart`)."""
    media_type: str
    start: bytes
    """Sent once before anything else (multipart's first delimiter)."""
    answer: Callable[[dict[str, Any]], bytes]
    heartbeat: bytes
    failure: Callable[[RequestErrors], bytes]
    """Errors that end the stream: the operation could not run, or the gateway stopped it."""
    end: bytes


class StreamedEndpoint:
    """Answers GraphQL requests whose `Accept` asks for one streamed protocol."""

    def __init__(
        self,
        endpoint: GraphQLEndpoint,
        subscriptions: Subscriptions,
        framing: Framing,
        every: float,
        plugins: PluginChain | None = None,
    ) -> None:
        self._endpoint = endpoint
        self._subscriptions = subscriptions
        self._framing = framing
        self._every = every
        self._plugins = plugins
        """The plugins with request hooks (`on_request` ran around this HTTP request already;
        `streaming.py` runs `on_operation` and `on_plan`); None: none."""

    async def handle(self, request: Request) -> Response:
        parsed = await _read(request, self._endpoint.max_body_bytes)
        if isinstance(parsed, RequestProblem):
            body = error_body(parsed.message, parsed.code)
            return graphql_response(body, parsed.status, JSON)
        peer = request.client.host if request.client is not None else None
        started = await start_operation(
            self._endpoint,
            self._subscriptions,
            parsed,
            request.headers,
            peer,
            transport=self._framing.name,
            allow_mutations=request.method != "GET",
            follow_session=True,
            plugins=self._plugins,
            path=request.scope["path"],
        )
        parts = (
            self._parts(started)
            if isinstance(started, SubscriptionStream)
            else self._refused(started)
        )
        return StreamingResponse(parts, media_type=self._framing.media_type, headers=_HEADERS)

    async def _refused(self, errors: RequestErrors) -> AsyncIterator[bytes]:
        yield self._framing.start + self._framing.failure(errors) + self._framing.end

    async def _parts(self, stream: SubscriptionStream) -> AsyncIterator[bytes]:
        """The stream in this framing; Starlette cancels this when the client disconnects."""
        framing = self._framing
        try:
            if framing.start:
                yield framing.start
            while True:
                try:
                    async with asyncio.timeout(self._every):
                        body = await stream.next()
                except TimeoutError:
                    yield framing.heartbeat
                    continue
                if body is None:
                    break
                yield framing.answer(body)
            if stream.stopped_with is not None:
                yield framing.failure(stream.stopped_with) + framing.end
            elif not stream.overflowed:
                yield framing.end
        finally:
            await stream.finish()


async def _read(request: Request, max_body_bytes: int) -> GraphQLRequest | RequestProblem:
    if request.method == "GET":
        return from_get(request.query_params)
    body = await read_body(request, max_body_bytes)
    if isinstance(body, RequestProblem):
        return body
    parsed = from_post(request.headers.get("content-type"), body)
    if isinstance(parsed, BatchPayload):
        return RequestProblem(message="A batch of operations cannot be sent as a stream.")
    return parsed
