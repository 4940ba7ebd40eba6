"""execute_plan + shape_response over hand-written plans and in-process subgraphs (no sockets)."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.executor import RequestContext, execute_plan
from gateway.planner.plan import (
    ConditionNode,
    FetchNode,
    FieldSelection,
    FlattenNode,
    ParallelNode,
    QueryPlan,
    SequenceNode,
)
from gateway.shaping import shape_response
from gateway.transports import (
    InProcessTransport,
    SubgraphFailure,
    SubgraphRequest,
    SubgraphResult,
    Transport,
)
from tests.gateway.executor.executor_support import (
    api_schema,
    prepared,
    representations_seen,
    schemas,
)

USER_KEY = (FieldSelection(name="__typename"), FieldSelection(name="id"))
PRODUCT_KEY = (FieldSelection(name="__typename"), FieldSelection(name="upc"))


def user_entities(service: str, selection: str, path: tuple[str, ...]) -> FlattenNode:
    operation = (
        "query($representations:[_Any!]!){_entities(representations:$representations)"
        f"{{...on User{{{selection}}}}}}}"
    )
    fetch = FetchNode(service_name=service, operation=operation, requires=USER_KEY)
    return FlattenNode(path=path, node=fetch)


def product_entities(selection: str, path: tuple[str, ...]) -> FlattenNode:
    operation = (
        "query($representations:[_Any!]!){_entities(representations:$representations)"
        f"{{...on Product{{{selection}}}}}}}"
    )
    fetch = FetchNode(service_name="products", operation=operation, requires=PRODUCT_KEY)
    return FlattenNode(path=path, node=fetch)


async def run(
    query: str,
    plan: QueryPlan,
    transport: Transport,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    operation = prepared(query)
    outcome = await execute_plan(plan, variables or {}, transport, RequestContext())
    return shape_response(operation, api_schema, variables or {}, outcome.data, outcome.errors)


USERS_REVIEWS_PRODUCTS = QueryPlan(
    node=SequenceNode(
        nodes=(
            FetchNode(service_name="accounts", operation="{users{__typename id name}}"),
            user_entities("reviews", "reviews{body product{__typename upc}}", ("users", "@")),
            product_entities("name", ("users", "@", "reviews", "@", "product")),
        )
    )
)


async def test_one_request_per_subgraph_and_deduplicated_representations() -> None:
    transport = InProcessTransport(schemas())
    representations_seen.clear()
    query = "{ users { name reviews { body product { name } } } }"
    body = await run(query, USERS_REVIEWS_PRODUCTS, transport)
    ada = {"name": "Ada", "reviews": [{"body": "good", "product": {"name": "Phone"}}]}
    grace = {
        "name": "Grace",
        "reviews": [
            {"body": "bad", "product": {"name": "Tablet"}},
            {"body": "meh", "product": {"name": "Phone"}},
        ],
    }
    assert body == {"data": {"users": [ada, grace, ada]}}
    assert [transport.count(s) for s in ("accounts", "reviews", "products")] == [1, 1, 1]
    assert representations_seen == {"reviews": 2, "products": 2}


async def test_shaping_restores_aliases_order_and_drops_added_fields() -> None:
    transport = InProcessTransport(schemas())
    plan = QueryPlan(
        node=SequenceNode(
            nodes=(
                FetchNode(service_name="accounts", operation="{who:me{__typename id n:name}}"),
                user_entities("reviews", "reviews{id}", ("who",)),
            )
        )
    )
    body = await run("{ who: me { reviews { id } n: name __typename } }", plan, transport)
    assert body == {"data": {"who": {"reviews": [{"id": "r1"}], "n": "Ada", "__typename": "User"}}}
    assert list(body["data"]["who"]) == ["reviews", "n", "__typename"]


async def test_parallel_root_fetches() -> None:
    transport = InProcessTransport(schemas())
    plan = QueryPlan(
        node=ParallelNode(
            nodes=(
                FetchNode(service_name="accounts", operation="{me{name}}"),
                FetchNode(service_name="products", operation="{topProducts{price}}"),
            )
        )
    )
    body = await run("{ me { name } topProducts { price } }", plan, transport)
    assert body == {"data": {"me": {"name": "Ada"}, "topProducts": [{"price": 10}, {"price": 20}]}}


class FailingTransport:
    """Passes through to in-process subgraphs, except the ones listed, which fail."""

    def __init__(self, failing: set[str]) -> None:
        self.inner = InProcessTransport(schemas())
        self.failing = failing

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        if service_name in self.failing:
            return SubgraphFailure(message=f"{service_name} is down", code="SUBREQUEST_HTTP_ERROR")
        return await self.inner.fetch(service_name, request)


async def test_failed_entity_fetch_gives_partial_data_and_named_error() -> None:
    body = await run(
        "{ users { name reviews { body } } }", USERS_REVIEWS_PRODUCTS, FailingTransport({"reviews"})
    )
    # `reviews` is [Review!]! on a non-null User inside a non-null list: the nulls bubble to root.
    assert body["data"] is None
    first = body["errors"][0]
    assert first["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "reviews"}
    assert first["path"] == ["users", 0]


async def test_failed_nullable_branch_keeps_the_rest() -> None:
    plan = QueryPlan(
        node=SequenceNode(
            nodes=(
                FetchNode(service_name="accounts", operation="{me{__typename id name}}"),
                user_entities("reviews", "reviews{body}", ("me",)),
            )
        )
    )
    transport = FailingTransport({"reviews"})
    body = await run("{ me { name reviews { body } } }", plan, transport)
    # The failure's own error covers the null it causes: no second "Cannot return null" error.
    assert body["data"] == {"me": None}
    assert [e.get("path") for e in body["errors"]] == [["me"]]
    assert body["errors"][0]["extensions"]["serviceName"] == "reviews"


async def test_failed_root_fetch_names_the_subgraph() -> None:
    plan = QueryPlan(node=FetchNode(service_name="accounts", operation="{me{name}}"))
    body = await run("{ me { name } }", plan, FailingTransport({"accounts"}))
    assert body == {
        "data": {"me": None},
        "errors": [
            {
                "message": "accounts is down",
                "path": ["me"],
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "accounts"},
            }
        ],
    }


class UnknownSecondReviewer:
    """Passes through to in-process subgraphs, but asks reviews for an unknown second user."""

    def __init__(self) -> None:
        self.inner = InProcessTransport(schemas())

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        if service_name == "reviews":
            reps = [dict(r) for r in request.variables["representations"]]
            reps[1]["id"] = "missing"
            request = SubgraphRequest(
                query=request.query, variables={"representations": reps}, headers=request.headers
            )
        return await self.inner.fetch(service_name, request)


async def test_entity_errors_map_to_client_paths() -> None:
    plan = QueryPlan(
        node=SequenceNode(
            nodes=(
                FetchNode(service_name="accounts", operation="{users{__typename id}}"),
                user_entities("reviews", "reviews{id}", ("users", "@")),
            )
        )
    )
    body = await run("query { users { id nick reviews { id } } }", plan, UnknownSecondReviewer())
    error = body["errors"][0]
    assert error["path"] == ["users", 1]
    assert error["extensions"] == {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "reviews"}
    assert error["message"] == "no such user"


@pytest.mark.parametrize(("flag", "calls"), [(True, 1), (False, 0)])
async def test_condition_node_follows_the_variable(flag: bool, calls: int) -> None:
    transport = InProcessTransport(schemas())
    plan = QueryPlan(
        node=ConditionNode(
            condition="withMe",
            if_clause=FetchNode(service_name="accounts", operation="{me{name}}"),
        )
    )
    query = "query($withMe: Boolean!) { me @include(if: $withMe) { name } }"
    body = await run(query, plan, transport, {"withMe": flag})
    assert transport.count("accounts") == calls
    assert body == {"data": {"me": {"name": "Ada"}} if flag else {}}


async def test_mutations_run_in_plan_order() -> None:
    transport = InProcessTransport(schemas())
    plan = QueryPlan(
        node=SequenceNode(
            nodes=(
                FetchNode(
                    service_name="products", operation="mutation{bump}", operation_kind="mutation"
                ),
                FetchNode(
                    service_name="accounts",
                    operation="mutation($n:String!){rename(name:$n){name}}",
                    operation_kind="mutation",
                    variable_usages=("n",),
                ),
            )
        )
    )
    query = "mutation($n: String!) { bump rename(name: $n) { name } }"
    body = await run(query, plan, transport, {"n": "Lovelace"})
    assert body == {"data": {"bump": 1, "rename": {"name": "Lovelace"}}}
    assert [r.service_name for r in transport.requests] == ["products", "accounts"]
    assert all(r.request.is_mutation for r in transport.requests)
    assert transport.requests[1].request.variables == {"n": "Lovelace"}


async def test_malformed_entities_list_is_an_error() -> None:
    inner = InProcessTransport(schemas())

    class Short:
        async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
            result = await inner.fetch(service_name, request)
            if service_name == "reviews":
                from gateway.transports import SubgraphResponse

                return SubgraphResponse(data={"_entities": []})
            return result

    plan = QueryPlan(
        node=SequenceNode(
            nodes=(
                FetchNode(service_name="accounts", operation="{me{__typename id name}}"),
                user_entities("reviews", "reviews{id}", ("me",)),
            )
        )
    )
    body = await run("{ me { name reviews { id } } }", plan, Short())
    assert body["data"] == {"me": None}
    assert body["errors"][0]["extensions"]["code"] == "SUBREQUEST_MALFORMED_RESPONSE"
    assert body["errors"][0]["path"] == ["me"]


async def test_a_transport_that_raises_becomes_an_error_value() -> None:
    class Broken:
        async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
            raise RuntimeError("bug in a custom transport")

    plan = QueryPlan(node=FetchNode(service_name="accounts", operation="{me{name}}"))
    body = await run("{ me { name } }", plan, Broken())
    assert body["data"] == {"me": None}
    assert body["errors"][0]["extensions"] == {
        "code": "SUBREQUEST_HTTP_ERROR",
        "serviceName": "accounts",
    }
    assert "RuntimeError" in body["errors"][0]["message"]
