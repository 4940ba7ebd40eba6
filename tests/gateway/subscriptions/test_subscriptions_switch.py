"""`subscriptions.enabled`: off, the GraphQL path takes neither WebSocket nor SSE requests.

The app is called in-process (no subgraph is asked: both refusals come before any planning).
"""

from __future__ import annotations

import asyncio
from typing import Any

from gateway.config import load_config
from gateway.server import create_app
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.subscriptions.subscription_support import ROOT


def _app(enabled: str) -> Any:
    supergraph = load_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())
    assert isinstance(supergraph, Supergraph)
    config = load_config(environ={"GATEWAY_SUBSCRIPTIONS_ENABLED": enabled})
    return create_app(config, supergraph=supergraph)


def _call(app: Any, scope: dict[str, Any], incoming: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    gone: dict[str, Any] = {"type": "http.disconnect"}
    if scope["type"] == "websocket":
        gone = {"type": "websocket.disconnect", "code": 1000}

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else gone

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def _sse_status(app: Any) -> int:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"accept", b"text/event-stream"), (b"content-type", b"application/json")],
    }
    body = {"type": "http.request", "body": b'{"query": "{ __typename }"}', "more_body": False}
    sent = _call(app, scope, [body])
    return int(sent[0]["status"])


def _websocket_first(app: Any) -> dict[str, Any]:
    scope = {
        "type": "websocket",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [],
        "subprotocols": ["graphql-transport-ws"],
    }
    return _call(app, scope, [{"type": "websocket.connect"}])[0]


def test_on_the_path_streams_and_accepts_websockets() -> None:
    app = _app("true")
    assert _sse_status(app) == 200
    assert _websocket_first(app) == {
        "type": "websocket.accept",
        "subprotocol": "graphql-transport-ws",
        "headers": [],
    }


def test_off_an_event_stream_is_not_acceptable_and_a_websocket_is_refused() -> None:
    app = _app("false")
    assert _sse_status(app) == 406
    assert _websocket_first(app)["type"] == "websocket.close"
