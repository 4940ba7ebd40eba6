"""BatchFetch: several `_entities` aliases in one request, representations shared across paths."""

from __future__ import annotations

from typing import Any

from gateway.executor import RequestContext, execute_plan
from gateway.executor.fetch import entity_errors
from gateway.executor.paths import Located
from gateway.planner.plan import (
    BatchFetchNode,
    EntityBatch,
    FetchNode,
    FieldSelection,
    FragmentSelection,
    QueryPlan,
    SequenceNode,
)
from gateway.shaping import shape_response
from gateway.transports import InProcessTransport
from tests.gateway.executor.executor_support import (
    api_schema,
    prepared,
    representations_seen,
    schemas,
)

USER_KEY = (
    FragmentSelection(
        type_condition="User",
        selections=(FieldSelection(name="__typename"), FieldSelection(name="id")),
    ),
)
PRODUCT_KEY = (
    FragmentSelection(
        type_condition="Product",
        selections=(FieldSelection(name="__typename"), FieldSelection(name="upc")),
    ),
)


def _entities(alias: str, variable: str, selection: str) -> str:
    return f"{alias}:_entities(representations:${variable}){{{selection}}}"


def _plan() -> QueryPlan:
    """`me` and `users` from accounts; one BatchFetch to reviews (both paths, one alias);
    one BatchFetch to accounts and products with two aliases of different selections."""
    reviews = BatchFetchNode(
        service_name="reviews",
        operation="query($__batch_reps_0:[_Any!]!){"
        + _entities("_e0", "__batch_reps_0", "...on User{reviews{body product{__typename upc}}}")
        + "}",
        entities=(
            EntityBatch(
                alias="_e0",
                variable="__batch_reps_0",
                paths=(("me",), ("users", "@")),
                requires=USER_KEY,
            ),
        ),
    )
    products = BatchFetchNode(
        service_name="products",
        operation="query($__batch_reps_0:[_Any!]!,$__batch_reps_1:[_Any!]!){"
        + _entities("_e0", "__batch_reps_0", "...on Product{name}")
        + " "
        + _entities("_e1", "__batch_reps_1", "...on Product{price}")
        + "}",
        entities=(
            EntityBatch(
                alias="_e0",
                variable="__batch_reps_0",
                paths=(("me", "reviews", "@", "product"),),
                requires=PRODUCT_KEY,
            ),
            EntityBatch(
                alias="_e1",
                variable="__batch_reps_1",
                paths=(("users", "@", "reviews", "@", "product"),),
                requires=PRODUCT_KEY,
            ),
        ),
    )
    root = FetchNode(
        service_name="accounts", operation="{me{__typename id}users{__typename id name}}"
    )
    return QueryPlan(node=SequenceNode(nodes=(root, reviews, products)))


async def _run(query: str, plan: QueryPlan, transport: Any) -> dict[str, Any]:
    operation = prepared(query)
    outcome = await execute_plan(plan, {}, transport, RequestContext())
    return shape_response(operation, api_schema, {}, outcome.data, outcome.errors)


async def test_one_request_per_batch_and_representations_shared_across_paths() -> None:
    transport = InProcessTransport(schemas())
    representations_seen.clear()
    query = """{ me { reviews { product { name } } }
                 users { name reviews { product { price } } } }"""
    body = await _run(query, _plan(), transport)
    assert body == {
        "data": {
            "me": {"reviews": [{"product": {"name": "Phone"}}]},
            "users": [
                {"name": "Ada", "reviews": [{"product": {"price": 10}}]},
                {
                    "name": "Grace",
                    "reviews": [{"product": {"price": 20}}, {"product": {"price": 10}}],
                },
                {"name": "Ada", "reviews": [{"product": {"price": 10}}]},
            ],
        }
    }
    assert [transport.count(s) for s in ("accounts", "reviews", "products")] == [1, 1, 1]
    # users 1 and 2 once each, though user 1 is at three places; products once per alias.
    assert representations_seen == {"reviews": 2, "products": 3}
    request = next(r.request for r in transport.requests if r.service_name == "products")
    assert set(request.variables) == {"__batch_reps_0", "__batch_reps_1"}


async def test_an_entity_error_lands_on_every_object_it_came_from() -> None:
    transport = InProcessTransport(schemas())
    plan = QueryPlan(
        node=SequenceNode(
            nodes=(
                FetchNode(service_name="accounts", operation="{me{__typename id}}"),
                BatchFetchNode(
                    service_name="reviews",
                    operation="query($__batch_reps_0:[_Any!]!){"
                    + _entities("_e0", "__batch_reps_0", "...on User{reviews{body}}")
                    + "}",
                    entities=(
                        EntityBatch(
                            alias="_e0",
                            variable="__batch_reps_0",
                            paths=(("me",),),
                            requires=USER_KEY,
                        ),
                    ),
                ),
            )
        )
    )
    outcome = await execute_plan(plan, {}, transport, RequestContext(), initial_data=None)
    assert outcome.data["me"]["reviews"] == [{"body": "good"}]
    failing = InProcessTransport({"accounts": schemas()["accounts"]})  # no reviews subgraph
    outcome = await execute_plan(plan, {}, failing, RequestContext())
    assert [e["path"] for e in outcome.errors] == [["me"]]
    assert outcome.errors[0]["extensions"]["serviceName"] == "reviews"


def test_error_paths_under_an_alias_map_to_the_owners() -> None:
    users = (None, "users")
    owners: list[list[Located]] = [
        [({}, ((users, 0), "reviews"))],
        [({}, (None, "me")), ({}, ((users, 2), "x"))],
    ]
    error: dict[str, Any] = {"message": "boom", "path": ["_e1", 1, "body"]}
    mapped = entity_errors(error, "reviews", owners, "_e1")
    assert [e["path"] for e in mapped] == [["me", "body"], ["users", 2, "x", "body"]]
