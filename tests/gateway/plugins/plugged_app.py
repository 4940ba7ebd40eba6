"""An in-process gateway for the plugin tests: the server tests' real `people` subgraph
(Strawberry) run by the in-process transport, so hooks are seen end to end without sockets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import orjson
from starlette.applications import Starlette

from gateway.config import load_config
from gateway.server import create_app
from gateway.transports import InProcessTransport
from tests.gateway.server import server_subgraph
from tests.gateway.server.test_server_direct_lane import call, supergraph


def people_transport() -> InProcessTransport:
    """The people schema; its `header(name:)` field reads the headers the gateway sent."""

    def context(headers: Mapping[str, str]) -> dict[str, Any]:
        return {"request": SimpleNamespace(headers=dict(headers))}

    return InProcessTransport({"people": server_subgraph.schema}, context_factory=context)


def plugged_app(
    plugins: Sequence[object], transport: InProcessTransport, **overrides: object
) -> Starlette:
    config = load_config(environ={}, overrides={"mode": "production", **overrides})
    return create_app(config, supergraph=supergraph(), transport=transport, plugins=plugins)


async def ask(
    app: Starlette, query: str, headers: Mapping[str, str] | None = None
) -> tuple[int, dict[str, str], dict[str, Any]]:
    """POST `query`; the status, headers and decoded body."""
    chunks = (orjson.dumps({"query": query}),)
    status, names, body = await call(app, chunks=chunks, headers=headers)
    decoded: dict[str, Any] = orjson.loads(body)
    return status, names, decoded
