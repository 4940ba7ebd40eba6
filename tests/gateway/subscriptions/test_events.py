"""A subscription's plan: its first fetch subscribes at the owning subgraph, the rest run per
event with the event standing in for that fetch."""

from __future__ import annotations

import asyncio

from gateway.operation import PreparedOperation, prepare_operation
from gateway.planner import build_query_plan
from gateway.subscriptions.events import EventTransport, subscription_fetch, upstream_request
from gateway.supergraph import Supergraph, load_supergraph
from gateway.transports import SubgraphFailure, SubgraphRequest, SubgraphResponse
from tests.gateway.subscriptions.subscription_support import ROOT

QUERY = (
    "subscription S($withText: Boolean!) { statusPosted { id text @include(if: $withText)"
    " account { person { displayName } } } }"
)


def _supergraph() -> Supergraph:
    loaded = load_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())
    assert isinstance(loaded, Supergraph)
    return loaded


def _prepared(supergraph: Supergraph) -> PreparedOperation:
    prepared = prepare_operation(supergraph.api_schema, QUERY, None)
    assert isinstance(prepared, PreparedOperation)
    return prepared


def test_the_first_fetch_is_the_subscription_at_its_owner() -> None:
    supergraph = _supergraph()
    plan = build_query_plan(supergraph, _prepared(supergraph), batch=True)
    fetch = subscription_fetch(plan)
    assert fetch is not None
    assert fetch.service_name == "whatsapp"
    assert fetch.operation.startswith("subscription ")
    request = upstream_request(fetch, {"withText": True, "other": 1}, {"authorization": "t"})
    assert request.variables == {"withText": True}
    assert request.headers == {"authorization": "t"}


def test_a_query_plan_has_no_subscription_fetch() -> None:
    supergraph = _supergraph()
    prepared = prepare_operation(supergraph.api_schema, "{ me { id } }", None)
    assert isinstance(prepared, PreparedOperation)
    assert subscription_fetch(build_query_plan(supergraph, prepared)) is None


class _Recorder:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        self.asked.append(service_name)
        return SubgraphResponse(data={"_entities": []})


def test_the_event_answers_the_subscription_fetch_and_others_go_on() -> None:
    supergraph = _supergraph()
    fetch = subscription_fetch(build_query_plan(supergraph, _prepared(supergraph)))
    assert fetch is not None
    event = SubgraphFailure(message="gone", code="SUBGRAPH_SUBSCRIPTION_CLOSED")
    inner = _Recorder()
    transport = EventTransport(fetch, event, inner)
    own = SubgraphRequest(query=fetch.operation)
    other = SubgraphRequest(query="query { _entities { __typename } }")
    assert asyncio.run(transport.fetch("whatsapp", own)) is event
    asyncio.run(transport.fetch("accounts", other))
    assert inner.asked == ["accounts"]
