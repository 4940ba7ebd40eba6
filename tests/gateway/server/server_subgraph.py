"""A tiny Strawberry subgraph for the server tests, run as `python server_subgraph.py PORT`.

It owns `Person` and answers a slow field (to test graceful shutdown) and a field that echoes
a request header (to test header forwarding). Data is in memory; `rename` changes it. `upload`
takes a file (the GraphQL multipart request spec) and answers what arrived, to test uploads.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from strawberry.asgi import GraphQL
from strawberry.file_uploads import Upload
from strawberry.types import Info

NAMES = {"1": "Ada Lovelace", "2": "Grace Hopper"}


@strawberry.federation.type(keys=["id"])
class Person:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Person | None:
        name = NAMES.get(str(id))
        return Person(id=id, name=name) if name is not None else None


@strawberry.type
class Query:
    @strawberry.field
    def person(self, id: strawberry.ID) -> Person | None:
        return Person.resolve_reference(id)

    @strawberry.field
    def people(self) -> list[Person]:
        return [Person(id=strawberry.ID(key), name=name) for key, name in NAMES.items()]

    @strawberry.field
    async def slow(self, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return f"slept {seconds}"

    @strawberry.field
    def boom(self) -> str | None:
        raise ValueError("the people subgraph failed on purpose")

    @strawberry.field
    def header(self, info: Info, name: str) -> str | None:
        request: Request = info.context["request"]
        return request.headers.get(name)


@strawberry.type
class Received:
    filename: str | None
    content_type: str | None
    size: int
    sha256: str


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def upload(self, file: Upload) -> Received:
        data = await file.read()  # type: ignore[attr-defined]
        return Received(
            filename=file.filename,  # type: ignore[attr-defined]
            content_type=file.content_type,  # type: ignore[attr-defined]
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )

    @strawberry.mutation
    def rename(self, id: strawberry.ID, name: str) -> Person | None:
        if str(id) not in NAMES:
            return None
        NAMES[str(id)] = name
        return Person(id=id, name=name)


schema = strawberry.federation.Schema(query=Query, mutation=Mutation)


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/health", health),
        Mount("/graphql", GraphQL(schema, multipart_uploads_enabled=True)),
    ]
)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
