"""A subgraph that answers late, run as `python slow_subgraph.py PORT SECONDS`.

It adds `Person.mood` to the `people` subgraph's `Person` and takes SECONDS to resolve each
one, so a query asking for a person's name and mood gets the name at once and waits for the
mood: the shape of a slow dependency behind a fast one.
"""

from __future__ import annotations

import asyncio
import sys

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from strawberry.asgi import GraphQL

DELAY = [40.0]  # seconds per answer; set from the command line


@strawberry.federation.type(keys=["id"])
class Person:
    id: strawberry.ID

    @strawberry.field
    async def mood(self) -> str | None:
        await asyncio.sleep(DELAY[0])
        return "patient"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Person:
        return Person(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def moods_version(self) -> str:
        return "1"


schema = strawberry.federation.Schema(query=Query, types=[Person])


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/health", health), Mount("/graphql", GraphQL(schema))])

if __name__ == "__main__":
    DELAY[0] = float(sys.argv[2])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
