"""Three tiny graphql-core subgraphs (accounts, reviews, products) and their API schema.

They run in-process behind `InProcessTransport`, so executor tests open no sockets. Each entity
resolver counts the representations it was given, so tests can check deduplication.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from graphql import GraphQLSchema, build_schema

from gateway.operation import PreparedOperation, prepare_operation

API_SDL = """
type Query { me: User, users: [User!]!, topProducts: [Product!]!, node(id: ID!): Node }
type Mutation { rename(name: String!): User!, bump: Int! }
interface Node { id: ID! }
type User implements Node { id: ID!, name: String!, nick: String, reviews: [Review!]! }
type Review implements Node { id: ID!, body: String!, product: Product, rating: Rating }
type Product { upc: String!, name: String, price: Int! }
enum Rating { GOOD BAD }
union Thing = User | Product
"""

FEDERATION = """
scalar _Any
union _Entity = {members}
"""

USERS: dict[str, dict[str, Any]] = {
    "1": {"id": "1", "name": "Ada", "nick": "ada"},
    "2": {"id": "2", "name": "Grace", "nick": None},
}
REVIEWS: dict[str, list[dict[str, Any]]] = {
    "1": [{"id": "r1", "body": "good", "product": {"upc": "p1"}, "rating": "GOOD"}],
    "2": [
        {"id": "r2", "body": "bad", "product": {"upc": "p2"}, "rating": "BAD"},
        {"id": "r3", "body": "meh", "product": {"upc": "p1"}, "rating": "MEH"},
    ],
}
PRODUCTS: dict[str, dict[str, Any]] = {
    "p1": {"upc": "p1", "name": "Phone", "price": 10},
    "p2": {"upc": "p2", "name": "Tablet", "price": 20},
}

api_schema = build_schema(API_SDL)
representations_seen: Counter[str] = Counter()


def prepared(query: str, name: str | None = None) -> PreparedOperation:
    result = prepare_operation(api_schema, query, name)
    assert isinstance(result, PreparedOperation), result
    return result


def _entities_resolver(service: str, lookup: Any) -> Any:
    def resolve(_root: object, _info: object, representations: list[dict[str, Any]]) -> Any:
        representations_seen[service] += len(representations)
        return [lookup(rep) for rep in representations]

    return resolve


def accounts_schema() -> GraphQLSchema:
    schema = build_schema(
        "type Query { me: User, users: [User!]!, _entities(representations: [_Any!]!): [_Entity]! }"
        " type Mutation { rename(name: String!): User! }"
        " type User { id: ID!, name: String!, nick: String }" + FEDERATION.format(members="User")
    )
    query = schema.query_type
    assert query is not None
    query.fields["me"].resolve = lambda *_: USERS["1"]
    query.fields["users"].resolve = lambda *_: [USERS["1"], USERS["2"], USERS["1"]]
    query.fields["_entities"].resolve = _entities_resolver(
        "accounts", lambda rep: {"__typename": "User", **USERS[rep["id"]]}
    )
    mutation = schema.mutation_type
    assert mutation is not None
    mutation.fields["rename"].resolve = lambda _r, _i, name: {**USERS["1"], "name": name}
    return schema


def reviews_schema() -> GraphQLSchema:
    schema = build_schema(
        "type Query { _entities(representations: [_Any!]!): [_Entity]! }"
        " type User { id: ID!, reviews: [Review!]! }"
        " type Review { id: ID!, body: String!, product: Product, rating: String }"
        " type Product { upc: String! }" + FEDERATION.format(members="User")
    )
    query = schema.query_type
    assert query is not None

    def lookup(rep: dict[str, Any]) -> Any:
        if rep["id"] == "missing":
            return ValueError("no such user")  # graphql-core reports it at this item's path
        return {"__typename": "User", "id": rep["id"], "reviews": REVIEWS.get(rep["id"], [])}

    query.fields["_entities"].resolve = _entities_resolver("reviews", lookup)
    return schema


def products_schema() -> GraphQLSchema:
    schema = build_schema(
        "type Query { topProducts: [Product!]!, _entities(representations: [_Any!]!): [_Entity]! }"
        " type Mutation { bump: Int! }"
        " type Product { upc: String!, name: String, price: Int! }"
        + FEDERATION.format(members="Product")
    )
    query = schema.query_type
    assert query is not None
    query.fields["topProducts"].resolve = lambda *_: list(PRODUCTS.values())
    query.fields["_entities"].resolve = _entities_resolver(
        "products", lambda rep: {"__typename": "Product", **PRODUCTS[rep["upc"]]}
    )
    mutation = schema.mutation_type
    assert mutation is not None
    mutation.fields["bump"].resolve = lambda *_: 1
    return schema


def schemas() -> dict[str, GraphQLSchema]:
    return {
        "accounts": accounts_schema(),
        "reviews": reviews_schema(),
        "products": products_schema(),
    }
