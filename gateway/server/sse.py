"""GraphQL over Server-Sent Events at the GraphQL path (graphql-sse, distinct connections mode).

A request whose `Accept` names `text/event-stream` (GET with the query string, or POST with a
JSON body) gets a `text/event-stream` answer: one `event: next` per answer, its `data` the
GraphQL response as JSON, then `event: complete`. A subscription streams until its subgraph
ends it or the client disconnects; a query or mutation sends its one answer. An operation that
cannot run (refused, invalid) is one `next` holding its errors, then `complete`, as graphql-sse
servers answer when the stream is already open; so is a stream the gateway stops because the
caller's token expired or was signed out. A comment line (`:`) goes out every
`subscriptions.keepalive` seconds so proxies keep the connection; a client that stops reading
(`subscriptions.queue_size` answers waiting) has its stream ended. The loop is
`streamed_http.py`'s, shared with multipart subscriptions; only the framing is here.
"""

from __future__ import annotations

from typing import Any

import orjson

from gateway.plugins import PluginChain
from gateway.server.endpoint import GraphQLEndpoint
from gateway.server.negotiation import EVENT_STREAM
from gateway.server.streamed_http import Framing, StreamedEndpoint
from gateway.server.streaming import RequestErrors
from gateway.subscriptions import Subscriptions

__all__ = ["SSE", "event_stream_endpoint"]


def _next(body: dict[str, Any]) -> bytes:
    return b"event: next\ndata: " + orjson.dumps(body) + b"\n\n"


def _failure(errors: RequestErrors) -> bytes:
    return _next({"errors": errors})


SSE = Framing(
    name="sse",
    media_type=EVENT_STREAM,
    start=b"",
    answer=_next,
    heartbeat=b":\n\n",
    failure=_failure,
    end=b"event: complete\ndata:\n\n",
)


def event_stream_endpoint(
    endpoint: GraphQLEndpoint, subscriptions: Subscriptions, plugins: PluginChain | None = None
) -> StreamedEndpoint:
    """Answers GraphQL requests that accept `text/event-stream`."""
    every = subscriptions.settings.keepalive
    return StreamedEndpoint(endpoint, subscriptions, SSE, every, plugins)
