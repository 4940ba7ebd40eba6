"""A Strawberry subgraph with `@tag`s for the contract tests (`python tagged_subgraph.py PORT`).

`partner` marks what a partner contract keeps, `internal` what every contract drops; `email`,
`people`, `audit` and the mutation carry no tag, so an `include: [partner]` contract hides them.
"""

from __future__ import annotations

import sys

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from strawberry.asgi import GraphQL

from subgraphs.common.schema import resolver

PEOPLE = {"1": ("Ada Lovelace", "ada@example.org")}


@strawberry.federation.type(keys=["id"], tags=["partner"])
class Person:
    id: strawberry.ID
    name: str
    email: str = strawberry.federation.field(tags=["internal"])


@strawberry.type
class AuditEntry:
    message: str


@strawberry.type
class Query:
    @resolver(tags=["partner"])
    def person(self, id: strawberry.ID) -> Person | None:
        found = PEOPLE.get(str(id))
        return Person(id=id, name=found[0], email=found[1]) if found is not None else None

    @strawberry.field
    def people(self) -> list[Person]:
        return [Person(id=strawberry.ID(k), name=n, email=e) for k, (n, e) in PEOPLE.items()]

    @strawberry.field
    def audit(self) -> list[AuditEntry]:
        return [AuditEntry(message="nothing happened")]


@strawberry.type
class Mutation:
    @strawberry.mutation
    def forget(self, id: strawberry.ID) -> bool:
        return PEOPLE.pop(str(id), None) is not None


schema = strawberry.federation.Schema(query=Query, mutation=Mutation)


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/health", health), Mount("/graphql", GraphQL(schema))])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
