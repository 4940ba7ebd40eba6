"""GraphQL over Server-Sent Events at the GraphQL path (graphql-sse, distinct connections mode).

A request whose `Accept` names `text/event-stream` (GET with the query string, or POST with a
JSON body) gets a `text/event-stream` answer: one `event: next` per answer, its `data` the
GraphQL response as JSON, then `event: complete`. A subscription streams until its subgraph
ends it or the client disconnects; a query or mutation sends its one answer. An operation that
cannot run (refused, invalid) is one `next` holding its errors, then `complete`, as graphql-sse
servers answer when the stream is already open. A comment line (`:`) goes out every
`subscriptions.keepalive` seconds so proxies keep the connection; a client that stops reading
(`subscriptions.queue_size` answers waiting) has its stream ended.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.plugins import PluginChain
from gateway.runtime import GraphQLRequest
from gateway.server.endpoint import GraphQLEndpoint
from gateway.server.negotiation import EVENT_STREAM, JSON
from gateway.server.params import BatchPayload, RequestProblem, from_get, from_post, read_body
from gateway.server.responses import error_body, graphql_response
from gateway.server.streaming import start_operation
from gateway.subscriptions import Subscriptions, SubscriptionStream

__all__ = ["EventStreamEndpoint"]

_KEEPALIVE = b":\n\n"
_COMPLETE = b"event: complete\ndata:\n\n"


class EventStreamEndpoint:
    """Answers GraphQL requests that accept `text/event-stream`."""

    def __init__(
        self,
        endpoint: GraphQLEndpoint,
        subscriptions: Subscriptions,
        plugins: PluginChain | None = None,
    ) -> None:
        self._endpoint = endpoint
        self._subscriptions = subscriptions
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
            allow_mutations=request.method != "GET",
            plugins=self._plugins,
            path=request.scope["path"],
        )
        events = (
            _events_of(started, self._subscriptions.settings.keepalive)
            if isinstance(started, SubscriptionStream)
            else _errors(started)
        )
        headers = {"cache-control": "no-cache", "x-accel-buffering": "no"}
        return StreamingResponse(events, media_type=EVENT_STREAM, headers=headers)


async def _read(request: Request, max_body_bytes: int) -> GraphQLRequest | RequestProblem:
    if request.method == "GET":
        return from_get(request.query_params)
    body = await read_body(request, max_body_bytes)
    if isinstance(body, RequestProblem):
        return body
    parsed = from_post(request.headers.get("content-type"), body)
    if isinstance(parsed, BatchPayload):
        return RequestProblem(message="A batch of operations cannot be sent as an event stream.")
    return parsed


def _next(body: object) -> bytes:
    return b"event: next\ndata: " + orjson.dumps(body) + b"\n\n"


async def _errors(errors: list[dict[str, object]]) -> AsyncIterator[bytes]:
    yield _next({"errors": errors})
    yield _COMPLETE


async def _events_of(stream: SubscriptionStream, keepalive: float) -> AsyncIterator[bytes]:
    """The stream as SSE; Starlette cancels this when the client disconnects."""
    try:
        while True:
            try:
                async with asyncio.timeout(keepalive):
                    body = await stream.next()
            except TimeoutError:
                yield _KEEPALIVE
                continue
            if body is None:
                break
            yield _next(body)
        if not stream.overflowed:
            yield _COMPLETE
    finally:
        await stream.finish()
