"""A FastAPI application with the gateway mounted beside its own routes, in one process.

    GATEWAY_SUPERGRAPH=supergraph.graphql \\
        uvicorn --factory examples.embedding.fastapi_app:build --host 127.0.0.1 --port 8000

The gateway is `create_app(config, plugins=[...])` mounted at `/graphql-gateway`: GraphQL at
`/graphql-gateway/graphql` (GraphiQL there too in development), its health at
`/graphql-gateway/health`; every gateway setting is read as `gateway serve` reads it (the
environment, `GATEWAY_CONFIG`). Beside it, the application's own routes:

- `GET /status`: the application's own answer, and what the gateway serves (supergraph hash);
- `GET /people/names`: a route of the application that asks the graph itself, in process
  (`Gateway.execute`, no HTTP hop, no client checks: it is the application's own code);
- `GET /stats`: what `RequestCounter`, a plugin passed in code, counted. A plugin given to
  `create_app` is an object of this process, so the application reads it directly.

Two things a host application must do, both below: run the gateway's lifespan inside its own
(Starlette does not run a mounted app's lifespan; the gateway's opens its subgraph connection
pool and closes it), and mount the gateway rather than wrap it, so its routes, the direct lane
of its GraphQL endpoint and its `root_path`-aware redirects keep working.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

from fastapi import FastAPI, HTTPException
from starlette.applications import Starlette

from gateway.config import Config, load_config
from gateway.plugins import OutgoingResponse
from gateway.runtime import Gateway, GraphQLRequest
from gateway.server import create_app

__all__ = ["MOUNT", "RequestCounter", "build"]

MOUNT = "/graphql-gateway"
NAMES = "query Names { people { name } }"


class RequestCounter:
    """Counts the gateway's answers by operation name, for the application's `/stats`."""

    def __init__(self) -> None:
        self.by_operation: dict[str, int] = {}

    async def on_response(self, ctx: OutgoingResponse) -> None:
        name = ctx.scope.operation_name or "(anonymous)"
        self.by_operation[name] = self.by_operation.get(name, 0) + 1


def build(config: Config | None = None) -> FastAPI:
    """The application: the gateway (configured as `gateway serve` would be) and its routes."""
    counter = RequestCounter()
    gateway = create_app(config or load_config(), plugins=[counter])

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with gateway.router.lifespan_context(gateway):
            yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/status")
    async def status() -> dict[str, Any]:
        return {"app": "ok", "supergraph": gateway.state.serving.supergraph_hash}

    @app.get("/people/names")
    async def people_names() -> list[str]:
        body = await _ask(gateway, NAMES, {})
        if body.get("errors") or not body.get("data"):
            raise HTTPException(status_code=502, detail="the graph could not answer")
        return [person["name"] for person in body["data"]["people"]]

    @app.get("/stats")
    async def stats() -> dict[str, int]:
        return dict(counter.by_operation)

    app.mount(MOUNT, gateway)
    return app


async def _ask(gateway: Starlette, query: str, headers: Mapping[str, str]) -> dict[str, Any]:
    """Run `query` on the graph the mounted gateway serves now (it follows reloads)."""
    served: Gateway | None = gateway.state.serving.gateway
    if served is None:
        raise HTTPException(status_code=503, detail="the gateway has no supergraph yet")
    result = await served.execute(GraphQLRequest(query=query), headers)
    return result.body
