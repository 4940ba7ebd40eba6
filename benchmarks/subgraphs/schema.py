"""Executable graphql-core schemas for the four workload subgraphs.

Each subgraph's SDL is taken verbatim from the workload and extended with the federation subgraph
contract (`_service`, `_entities`, `_Any`, `_Entity`), so any gateway's query plan can run on it.
The resolvers follow the workload README's semantics exactly; the reference response depends on
their quirks (null inventory prices, the fixed `Review.author`, `username: "user"` in reviews).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, GraphQLUnionType, build_schema

from benchmarks.workload import data, subgraph_sdl

__all__ = ["build_executable_subgraph", "build_subgraph_schema"]

Entity = dict[str, Any]
Resolver = Callable[..., Any]

_FEDERATION_PRELUDE = """
scalar _Any
scalar link__Import
type _Service { sdl: String }
directive @link(url: String!, import: [link__Import]) repeatable on SCHEMA
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @external on OBJECT | FIELD_DEFINITION
directive @requires(fields: String!) on FIELD_DEFINITION
directive @provides(fields: String!) on FIELD_DEFINITION
"""

_KEY_TYPE = re.compile(r"type\s+(\w+)\s+@key")


def _entity_types(sdl: str) -> list[str]:
    return _KEY_TYPE.findall(sdl)


def _executable_sdl(sdl: str) -> str:
    entities = " | ".join(_entity_types(sdl))
    root_fields = "_entities(representations: [_Any!]!): [_Entity]!\n _service: _Service!"
    has_query = re.search(r"\btype\s+Query\b", sdl) is not None
    root = f"{'extend type' if has_query else 'type'} Query {{ {root_fields} }}"
    return f"{_FEDERATION_PRELUDE}\n{sdl}\nunion _Entity = {entities}\n{root}\n"


def _typed(typename: str, value: Mapping[str, Any] | None) -> Entity | None:
    return None if value is None else {**value, "__typename": typename}


def _reviews_by_id() -> dict[str, Entity]:
    return {r["id"]: r for r in data()["reviews"]}


def _accounts() -> tuple[dict[str, Resolver], Callable[[Entity], Entity | None]]:
    users = {u["id"]: u for u in data()["users"]}

    def entity(rep: Entity) -> Entity | None:
        return _typed("User", users.get(rep.get("id")))

    return {
        "Query.me": lambda *_: users["1"],
        "Query.users": lambda *_: list(users.values()),
        "Query.user": lambda _root, _info, id: users.get(id),
    }, entity


def _products() -> tuple[dict[str, Resolver], Callable[[Entity], Entity | None]]:
    products = data()["products"]
    by_upc = {p["upc"]: p for p in products}

    def entity(rep: Entity) -> Entity | None:
        return _typed("Product", by_upc.get(rep.get("upc")))

    return {"Query.topProducts": lambda _root, _info, first=5: products[:first]}, entity


def _shipping_estimate(row: Entity, *_: Any) -> int | None:
    # Computed from the inventory row, whose price and weight are null, never from the values the
    # gateway sends for @requires: the reference response has null here on every product.
    price, weight = row.get("price"), row.get("weight")
    if price is None or weight is None:
        return None
    return 0 if price > 1000 else weight // 2


def _inventory() -> tuple[dict[str, Resolver], Callable[[Entity], Entity | None]]:
    rows = {r["upc"]: r for r in data()["inventory"]}

    def entity(rep: Entity) -> Entity | None:
        return _typed("Product", rows.get(rep.get("upc")))

    return {"Product.shippingEstimate": _shipping_estimate}, entity


def _reviews() -> tuple[dict[str, Resolver], Callable[[Entity], Entity | None]]:
    reviews = _reviews_by_id()
    first_two = [reviews["1"], reviews["2"]]
    author = {"id": "1", "username": "urigo", "reviews": first_two}

    def entity(rep: Entity) -> Entity | None:
        match rep.get("__typename"):
            case "Review":
                return _typed("Review", reviews.get(str(rep.get("id"))))
            case "User":
                return _typed("User", {"id": rep["id"], "username": "user", "reviews": first_two})
            case "Product":
                return _typed("Product", {"upc": rep["upc"]})
        return None

    def product_reviews(product: Entity, *_: Any) -> list[Entity]:
        return [r for r in reviews.values() if r["product"]["upc"] == product["upc"]]

    return {
        "Review.author": lambda *_: author,
        "Review.product": lambda review, *_: review["product"],
        "Product.reviews": product_reviews,
    }, entity


_RESOLVERS = {
    "accounts": _accounts,
    "products": _products,
    "inventory": _inventory,
    "reviews": _reviews,
}


def build_subgraph_schema(name: str) -> GraphQLSchema:
    """Return the executable schema of one workload subgraph (`accounts`, `reviews`, ...)."""
    resolvers, entity = _RESOLVERS[name]()
    return build_executable_subgraph(subgraph_sdl(name), resolvers, entity)


def build_executable_subgraph(
    sdl: str, resolvers: Mapping[str, Resolver], entity: Callable[[Entity], Entity | None]
) -> GraphQLSchema:
    """A federation subgraph schema: `sdl` plus `_service`/`_entities`, with these resolvers.

    `resolvers` maps `Type.field` to a graphql-core resolver; `entity` turns one representation
    into the entity (a dict carrying `__typename`) or None.
    """
    schema = build_schema(_executable_sdl(sdl))
    query_type = schema.query_type
    assert query_type is not None
    query_type.fields["_service"].resolve = lambda *_: {"sdl": sdl}
    query_type.fields["_entities"].resolve = lambda _root, _info, representations: [
        entity(rep) for rep in representations
    ]
    for path, resolve in resolvers.items():
        type_name, field_name = path.split(".")
        owner = schema.type_map[type_name]
        assert isinstance(owner, GraphQLObjectType)
        owner.fields[field_name].resolve = resolve
    union = schema.type_map["_Entity"]
    assert isinstance(union, GraphQLUnionType)
    union.resolve_type = lambda value, *_: value["__typename"]
    return schema
