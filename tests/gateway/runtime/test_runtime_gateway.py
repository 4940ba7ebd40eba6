"""Gateway.execute: the whole pipeline over in-process subgraphs, with a stand-in planner."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from gateway.operation import PreparedOperation
from gateway.planner.plan import FetchNode, QueryPlan
from gateway.runtime import Gateway, GatewayOptions, GatewayResult, GraphQLRequest
from gateway.supergraph.model import Supergraph
from gateway.transports import InProcessTransport
from tests.gateway.executor.executor_support import api_schema, schemas

SUPERGRAPH = Supergraph(
    sdl="", schema=api_schema, api_schema=api_schema, subgraphs={}, types={}, root_types={}
)


class CountingPlanner:
    """Plans every operation as one root fetch of `me { name }` and counts the calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(
        self,
        supergraph: Supergraph,
        prepared: PreparedOperation,
        *,
        override_labels: frozenset[str],
    ) -> QueryPlan:
        self.calls += 1
        return QueryPlan(node=FetchNode(service_name="accounts", operation="{me{name}}"))


def gateway(
    planner: CountingPlanner | None = None, options: GatewayOptions | None = None
) -> tuple[Gateway, InProcessTransport, CountingPlanner]:
    transport = InProcessTransport(schemas())
    planner = planner or CountingPlanner()
    return Gateway(SUPERGRAPH, transport, options, planner=planner), transport, planner


async def execute(
    gw: Gateway,
    query: str | None,
    *,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> GatewayResult:
    request = GraphQLRequest(query=query, operation_name=operation_name, variables=variables)
    return await gw.execute(request, headers or {})


async def test_plans_are_cached_by_document_from_its_second_sighting() -> None:
    gw, transport, planner = gateway()
    for _ in range(4):
        result = await execute(gw, "{ me { name } }")
        assert result.body == {"data": {"me": {"name": "Ada"}}}
        assert not result.is_request_error
    assert planner.calls == 2  # planned on first sight without being kept, then once for good
    assert transport.count("accounts") == 4
    assert len(gw.documents) == 1


async def test_introspection_only_makes_no_subgraph_call() -> None:
    gw, transport, planner = gateway()
    result = await execute(
        gw, '{ __schema { queryType { name } } t: __type(name: "User") { kind } }'
    )
    assert result.body == {
        "data": {"__schema": {"queryType": {"name": "Query"}}, "t": {"kind": "OBJECT"}}
    }
    assert transport.requests == []
    assert planner.calls == 0


async def test_introspection_mixed_with_fields() -> None:
    gw, transport, _ = gateway()
    result = await execute(gw, '{ me { name } __type(name: "Rating") { name } }')
    assert result.body == {"data": {"me": {"name": "Ada"}, "__type": {"name": "Rating"}}}
    assert transport.count("accounts") == 1


@pytest.mark.parametrize(
    ("query", "kwargs", "code"),
    [
        ("{ me { name }", {}, "GRAPHQL_PARSE_FAILED"),
        ("{ me { nope } }", {}, "GRAPHQL_VALIDATION_FAILED"),
        ("query A { me { id } } query B { me { id } }", {}, "OPERATION_NAME_REQUIRED"),
        ("query A { me { id } }", {"operation_name": "B"}, "OPERATION_NOT_FOUND"),
        ("query($id: ID!) { node(id: $id) { id } }", {"variables": {"id": []}}, "BAD_USER_INPUT"),
        ("query($id: ID!) { node(id: $id) { id } }", {}, "BAD_USER_INPUT"),
        (None, {}, "BAD_REQUEST"),
        ("", {}, "BAD_REQUEST"),
    ],
)
async def test_bad_input_is_a_request_error(
    query: str | None, kwargs: dict[str, Any], code: str
) -> None:
    gw, transport, _ = gateway()
    result = await execute(gw, query, **kwargs)
    assert result.is_request_error
    assert "data" not in result.body
    assert result.body["errors"][0]["extensions"]["code"] == code
    assert transport.requests == []


async def test_mutations_can_be_refused() -> None:
    gw, transport, _ = gateway()
    result = await gw.execute(GraphQLRequest(query="mutation { bump }"), {}, allow_mutations=False)
    assert result.is_request_error
    assert transport.requests == []


async def test_only_configured_headers_are_forwarded() -> None:
    options = GatewayOptions(forward_headers=("authorization", "x-tenant"))
    gw, transport, _ = gateway(options=options)
    headers = {"Authorization": "Bearer t", "X-Tenant": "a", "Cookie": "secret"}
    await execute(gw, "{ me { name } }", headers=headers)
    assert transport.requests[0].request.headers == {"authorization": "Bearer t", "x-tenant": "a"}


async def test_inbound_deduplication_never_shares_between_credentials() -> None:
    transport = SlowTransport(schemas())
    options = GatewayOptions(deduplicate_inbound=True)
    gw = Gateway(SUPERGRAPH, transport, options, planner=CountingPlanner())
    request = GraphQLRequest(query="{ me { name } }")
    await asyncio.gather(
        gw.execute(request, {"Authorization": "Bearer ada"}),
        gw.execute(request, {"authorization": "Bearer ada"}),
        gw.execute(request, {"authorization": "Bearer grace"}),
        gw.execute(request, {"cookie": "session=1"}),
    )
    assert transport.count("accounts") == 3  # nothing is forwarded, yet only Ada's two share


async def test_a_repeated_header_forwards_the_first_as_authentication_reads_it() -> None:
    from starlette.datastructures import Headers

    gw, transport, _ = gateway(options=GatewayOptions(forward_headers=("authorization",)))
    raw = [(b"authorization", b"Bearer first"), (b"authorization", b"Bearer second")]
    headers = Headers(raw=raw)
    assert headers.get("authorization") == "Bearer first"  # what the guard verifies
    await execute(gw, "{ me { name } }", headers=headers)
    assert transport.requests[0].request.headers == {"authorization": "Bearer first"}


async def test_no_header_is_forwarded_by_default() -> None:
    gw, transport, _ = gateway()
    await execute(gw, "{ me { name } }", headers={"Authorization": "Bearer t", "Cookie": "c"})
    assert transport.requests[0].request.headers == {}


async def test_planner_crash_is_an_error_value() -> None:
    class Broken(CountingPlanner):
        def __call__(
            self,
            supergraph: Supergraph,
            prepared: PreparedOperation,
            *,
            override_labels: frozenset[str],
        ) -> QueryPlan:
            raise RuntimeError("bug")

    gw, _, _ = gateway(planner=Broken())
    result = await execute(gw, "{ me { name } }")
    assert result.body["errors"][0]["extensions"]["code"] == "QUERY_PLANNING_FAILED"


class SlowTransport(InProcessTransport):
    """In-process subgraphs that take a moment, so concurrent requests overlap."""

    async def fetch(self, service_name: str, request: Any) -> Any:
        await asyncio.sleep(0.05)
        return await super().fetch(service_name, request)


@pytest.mark.parametrize(("deduplicate", "calls"), [(True, 2), (False, 4)])
async def test_inbound_deduplication(deduplicate: bool, calls: int) -> None:
    transport = SlowTransport(schemas())
    options = GatewayOptions(deduplicate_inbound=deduplicate, forward_headers=("authorization",))
    gw = Gateway(SUPERGRAPH, transport, options, planner=CountingPlanner())
    request = GraphQLRequest(query="{ me { name } }")
    ada = {"authorization": "Bearer ada"}
    grace = {"authorization": "Bearer grace"}
    results = await asyncio.gather(
        gw.execute(request, ada),
        gw.execute(request, ada),
        gw.execute(request, ada, include_plan=False),
        gw.execute(request, grace),
    )
    assert all(r.body == {"data": {"me": {"name": "Ada"}}} for r in results)
    assert transport.count("accounts") == calls
