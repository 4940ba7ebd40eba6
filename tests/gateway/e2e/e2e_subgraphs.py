"""Small Strawberry subgraphs for the end-to-end tests, run as `python e2e_subgraphs.py NAME PORT`.

Each one counts the GraphQL requests it receives (`GET /count`) so tests can catch N+1 fetching,
and can be told to misbehave (`POST /mode` with `ok`, `500`, `html` or `hang`) so tests can see
how the gateway reports a broken subgraph. Data is in memory and read-only, except the `stamp*`
mutations, which return the time they ran so tests can check mutation order.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TypedDict

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL


class UserRow(TypedDict):
    id: str
    name: str
    username: str


class ProductRow(TypedDict):
    upc: str
    name: str
    price: int
    weight: int


class ReviewRow(TypedDict):
    id: str
    body: str
    author: str
    product: str


USERS: dict[str, UserRow] = {
    "u1": {"id": "u1", "name": "Ada Lovelace", "username": "ada"},
    "u2": {"id": "u2", "name": "Grace Hopper", "username": "grace"},
    "u3": {"id": "u3", "name": "Alan Turing", "username": "alan"},
}
PRODUCTS: dict[str, ProductRow] = {
    "p1": {"upc": "p1", "name": "Table", "price": 899, "weight": 100},
    "p2": {"upc": "p2", "name": "Couch", "price": 1299, "weight": 1000},
    "p3": {"upc": "p3", "name": "Chair", "price": 54, "weight": 50},
}
REVIEWS: list[ReviewRow] = [
    {"id": "r1", "body": "Love it!", "author": "u1", "product": "p1"},
    {"id": "r2", "body": "Too expensive.", "author": "u1", "product": "p2"},
    {"id": "r3", "body": "Could be better.", "author": "u2", "product": "p3"},
    {"id": "r4", "body": "Prefer something else.", "author": "u2", "product": "p1"},
    {"id": "r5", "body": "Fine.", "author": "u3", "product": "p1"},
]


@strawberry.federation.type(keys=["id"], name="User")
class AccountsUser:
    id: strawberry.ID
    name: str
    username: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> AccountsUser | None:
        row = USERS.get(str(id))
        return make_user(row) if row else None


def make_user(row: UserRow) -> AccountsUser:
    return AccountsUser(id=strawberry.ID(row["id"]), name=row["name"], username=row["username"])


@strawberry.type(name="Query")
class AccountsQuery:
    @strawberry.field
    def me(self) -> AccountsUser | None:
        return make_user(USERS["u1"])

    @strawberry.field
    def users(self) -> list[AccountsUser]:
        return [make_user(row) for row in USERS.values()]


@strawberry.type(name="Mutation")
class AccountsMutation:
    @strawberry.mutation
    def stamp_accounts(self) -> str:
        return str(time.monotonic_ns())


@strawberry.federation.type(keys=["upc"], name="Product")
class ReviewsProduct:
    upc: str

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [make_review(r) for r in REVIEWS if r["product"] == self.upc]

    @classmethod
    def resolve_reference(cls, upc: str) -> ReviewsProduct:
        return ReviewsProduct(upc=upc)


@strawberry.federation.type(keys=["id"], name="User")
class ReviewsUser:
    id: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [make_review(r) for r in REVIEWS if r["author"] == str(self.id)]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ReviewsUser:
        return ReviewsUser(id=id)


@strawberry.type
class Review:
    id: strawberry.ID
    body: str
    author: ReviewsUser
    product: ReviewsProduct


def make_review(row: ReviewRow) -> Review:
    return Review(
        id=strawberry.ID(row["id"]),
        body=row["body"],
        author=ReviewsUser(id=strawberry.ID(row["author"])),
        product=ReviewsProduct(upc=row["product"]),
    )


@strawberry.type(name="Query")
class ReviewsQuery:
    @strawberry.field
    def top_reviews(self, first: int = 5) -> list[Review]:
        return [make_review(r) for r in REVIEWS[:first]]


@strawberry.type(name="Mutation")
class ReviewsMutation:
    @strawberry.mutation
    def stamp_reviews(self) -> str:
        return str(time.monotonic_ns())


@strawberry.federation.type(keys=["upc"], name="Product")
class ProductsProduct:
    upc: str
    name: str | None
    price: int
    weight: int

    @classmethod
    def resolve_reference(cls, upc: str) -> ProductsProduct | None:
        row = PRODUCTS.get(upc)
        return ProductsProduct(**row) if row else None


@strawberry.type(name="Query")
class ProductsQuery:
    @strawberry.field
    def top_products(self, first: int = 5) -> list[ProductsProduct]:
        return [ProductsProduct(**row) for row in list(PRODUCTS.values())[:first]]


def accounts_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(query=AccountsQuery, mutation=AccountsMutation)


def reviews_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(query=ReviewsQuery, mutation=ReviewsMutation)


def products_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(query=ProductsQuery)


SCHEMAS = {"accounts": accounts_schema, "reviews": reviews_schema, "products": products_schema}


class State:
    """Request count and the misbehaviour mode of this process."""

    count = 0
    mode = "ok"


def build_app(name: str) -> ASGIApp:
    graphql_app = GraphQL(SCHEMAS[name]())

    async def count(request: Request) -> Response:
        return JSONResponse({"count": State.count})

    async def mode(request: Request) -> Response:
        State.mode = (await request.body()).decode()
        return PlainTextResponse(State.mode)

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    control = Starlette(
        routes=[
            Route("/count", count),
            Route("/mode", mode, methods=["POST"]),
            Route("/health", health),
        ]
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/graphql":
            await control(scope, receive, send)
            return
        State.count += 1
        if State.mode == "500":
            response: Response = PlainTextResponse("Internal Server Error", status_code=500)
        elif State.mode == "html":
            response = PlainTextResponse("<html>maintenance</html>", media_type="text/html")
        else:
            if State.mode == "hang":
                await asyncio.sleep(6)  # well past the e2e gateways' 2 s subgraph timeout
            await graphql_app(scope, receive, send)
            return
        await response(scope, receive, send)

    return app


if __name__ == "__main__":
    service, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run(build_app(service), host="127.0.0.1", port=port, log_level="warning")
