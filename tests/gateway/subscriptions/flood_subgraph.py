"""A subgraph whose subscription floods, run as `python flood_subgraph.py PORT`.

`flood(size)` sends events of `size` characters as fast as the connection takes them, without
end, and `quiet` never sends one; `sent` and `closed` count the events sent and the floods that
ended (the subscriber went away), so a test can tell that the gateway stopped reading a flood
nobody consumed instead of holding it in memory.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncGenerator

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

COUNTS = {"sent": 0, "closed": 0}


@strawberry.type
class Query:
    @strawberry.field
    def sent(self) -> int:
        return COUNTS["sent"]

    @strawberry.field
    def closed(self) -> int:
        return COUNTS["closed"]


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def flood(self, size: int) -> AsyncGenerator[str, None]:
        payload = "x" * size
        try:
            while True:
                COUNTS["sent"] += 1
                yield payload
                await asyncio.sleep(0)  # let the connection write, and other requests run
        finally:
            COUNTS["closed"] += 1

    @strawberry.subscription
    async def quiet(self) -> AsyncGenerator[str, None]:
        await asyncio.Event().wait()  # never an event: an open subscription that costs nothing
        yield "never"


schema = strawberry.federation.Schema(query=Query, subscription=Subscription)


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


graphql = GraphQL(schema)
app = Starlette(
    routes=[
        Route("/health", health),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
    ]
)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
