"""Two subgraphs in one process for the entity-cache tests: `python cache_subgraphs.py PORT`.

`/accounts/graphql` owns `User` (`name`, and `note`, which depends on who asks: the caller is
the `Authorization` header) and `Query.user`; `/reviews/graphql` has reviews whose authors are
`User` references. Accounts counts the requests it gets (`GET /counts`: `entities`, the
`_entities` requests, `representations`, and `roots`), answers with the `Cache-Control` set by
`POST /control` (`{"cache_control": "max-age=60"}`, null for none), and `POST /rename` changes
a user's name so tests can see stale and fresh data.
"""

from __future__ import annotations

import sys
from typing import Any

import orjson
import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.types import Info

NAMES = {"u1": "Ada", "u2": "Grace"}
REVIEWS = [("r1", "Love it", "u1"), ("r2", "Meh", "u2"), ("r3", "Again", "u1")]
STATE: dict[str, Any] = {"cache_control": None}
COUNTS = {"entities": 0, "representations": 0, "roots": 0}


def caller(info: Info) -> str:
    return str(info.context["request"].headers.get("authorization", "nobody"))


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        return NAMES[str(self.id)]

    @strawberry.field
    def note(self, info: Info) -> str:
        return f"{NAMES[str(self.id)]} as seen by {caller(info)}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User | None:
        return User(id=id) if str(id) in NAMES else None


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def user(self, id: strawberry.ID) -> User | None:
        return User(id=id) if str(id) in NAMES else None


@strawberry.federation.type(keys=["id"], name="User")
class UserReference:
    id: strawberry.ID


@strawberry.type
class Review:
    id: strawberry.ID
    body: str
    author: UserReference


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def reviews(self) -> list[Review]:
        return [
            Review(id=strawberry.ID(i), body=b, author=UserReference(id=strawberry.ID(a)))
            for i, b, a in REVIEWS
        ]


accounts = strawberry.federation.Schema(query=AccountsQuery, types=[User])
reviews = strawberry.federation.Schema(query=ReviewsQuery, types=[UserReference])


class Counted:
    """Counts what accounts is asked and stamps its answers with the chosen Cache-Control."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        payload = orjson.loads(body)
        if "_entities" in payload.get("query", ""):
            COUNTS["entities"] += 1
            for name, value in (payload.get("variables") or {}).items():
                if isinstance(value, list) and name != "id":
                    COUNTS["representations"] += len(value)
        elif "_service" not in payload.get("query", ""):
            COUNTS["roots"] += 1

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start" and STATE["cache_control"]:
                headers = list(message.get("headers", []))
                headers.append((b"cache-control", STATE["cache_control"].encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, replay, stamped)


async def counts(request: Request) -> Response:
    return JSONResponse(COUNTS)


async def control(request: Request) -> Response:
    STATE["cache_control"] = (await request.json()).get("cache_control")
    for key in COUNTS:
        COUNTS[key] = 0
    return PlainTextResponse("ok")


async def rename(request: Request) -> Response:
    payload = await request.json()
    NAMES[payload["id"]] = payload["name"]
    return PlainTextResponse("ok")


async def health(request: Request) -> Response:
    return PlainTextResponse("ok")


app = Starlette(
    routes=[
        Route("/health", health),
        Route("/counts", counts),
        Route("/control", control, methods=["POST"]),
        Route("/rename", rename, methods=["POST"]),
        Mount("/accounts", Counted(GraphQL(accounts))),
        Mount("/reviews", GraphQL(reviews)),
    ]
)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
