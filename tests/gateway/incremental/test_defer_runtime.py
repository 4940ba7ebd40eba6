"""Gateway.execute with `@defer`, over the end-to-end subgraphs run in process: the payloads a
multipart client gets, and that merging them gives the answer a client without multipart gets."""

from __future__ import annotations

import asyncio
from typing import Any

from gateway.runtime import GraphQLRequest
from gateway.transports import InProcessTransport, SubgraphFailure, SubgraphRequest
from gateway.transports.protocol import SubgraphResult
from tests.gateway.incremental.defer_support import (
    in_process_gateway,
    merge_parts,
    parts_of,
)

REVIEWS = """
{ topProducts { upc name ... @defer(label: "reviews") { reviews { body author { name } } } } }
"""
NESTED = """
{ topProducts(first: 2) { name ... @defer(label: "outer") {
    reviews { body ... @defer(label: "inner") { author { name } } } } } }
"""


async def _whole(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    gateway, _ = in_process_gateway()
    result = await gateway.execute(GraphQLRequest(query=query, variables=variables), {})
    assert result.subsequent is None
    return result.body


async def test_the_primary_part_comes_first_then_one_item_per_list_element() -> None:
    gateway, _ = in_process_gateway()
    first, *rest = await parts_of(gateway, REVIEWS)
    assert first == {
        "data": {
            "topProducts": [
                {"upc": "p1", "name": "Table"},
                {"upc": "p2", "name": "Couch"},
                {"upc": "p3", "name": "Chair"},
            ]
        },
        "hasNext": True,
    }
    (last,) = rest
    assert last["hasNext"] is False
    items = last["incremental"]
    assert [item["path"] for item in items] == [["topProducts", i] for i in range(3)]
    assert {item["label"] for item in items} == {"reviews"}
    assert items[1]["data"] == {
        "reviews": [{"body": "Too expensive.", "author": {"name": "Ada Lovelace"}}]
    }
    assert merge_parts([first, *rest]) == await _whole(REVIEWS)


async def test_the_first_part_is_answered_before_deferred_fetches_start() -> None:
    gateway, transport = in_process_gateway()
    result = await gateway.execute(GraphQLRequest(query=REVIEWS), {}, incremental=True)
    assert [r.service_name for r in transport.requests] == ["products"]
    assert result.subsequent is not None
    parts = [part async for part in result.subsequent]
    assert len(parts) == 1
    assert sorted(r.service_name for r in transport.requests) == [
        "accounts",
        "products",
        "reviews",
    ]


async def test_nested_fragments_come_after_their_parent_at_every_element() -> None:
    gateway, _ = in_process_gateway()
    first, outer, inner = await parts_of(gateway, NESTED)
    assert first["hasNext"] is True
    assert outer["hasNext"] is True
    assert inner["hasNext"] is False
    assert [i["path"] for i in outer["incremental"]] == [["topProducts", 0], ["topProducts", 1]]
    assert outer["incremental"][0]["data"] == {
        "reviews": [{"body": "Love it!"}, {"body": "Prefer something else."}, {"body": "Fine."}]
    }
    assert [i["path"] for i in inner["incremental"]] == [
        ["topProducts", 0, "reviews", 0],
        ["topProducts", 0, "reviews", 1],
        ["topProducts", 0, "reviews", 2],
        ["topProducts", 1, "reviews", 0],
    ]
    assert {i["label"] for i in inner["incremental"]} == {"inner"}
    assert merge_parts([first, outer, inner]) == await _whole(NESTED)


async def test_if_false_answers_in_one_part() -> None:
    query = """query ($d: Boolean!) {
      topProducts { name ... @defer(if: $d) { reviews { body } } } }"""
    gateway, _ = in_process_gateway()
    parts = await parts_of(gateway, query, {"d": False})
    assert parts == [await _whole(query, {"d": False})]
    assert "hasNext" not in parts[0]
    assert "reviews" in parts[0]["data"]["topProducts"][0]
    deferred = await parts_of(gateway, query, {"d": True})
    assert len(deferred) == 2
    assert merge_parts(deferred) == parts[0]


async def test_a_client_without_multipart_gets_the_deferred_fields_in_one_answer() -> None:
    gateway, transport = in_process_gateway()
    result = await gateway.execute(GraphQLRequest(query=REVIEWS), {})
    assert result.subsequent is None
    assert "hasNext" not in result.body
    products = result.body["data"]["topProducts"]
    assert products[2] == {
        "upc": "p3",
        "name": "Chair",
        "reviews": [{"body": "Could be better.", "author": {"name": "Grace Hopper"}}],
    }
    for recorded in transport.requests:
        assert "defer" not in recorded.request.query


async def test_an_entitys_own_fields_are_fetched_again_by_key() -> None:
    query = "{ topProducts(first: 1) { upc ... @defer { name price } } }"
    gateway, transport = in_process_gateway()
    first, last = await parts_of(gateway, query)
    assert first == {"data": {"topProducts": [{"upc": "p1"}]}, "hasNext": True}
    assert last == {
        "incremental": [{"data": {"name": "Table", "price": 899}, "path": ["topProducts", 0]}],
        "hasNext": False,
    }
    assert transport.count("products") == 2  # the first part never waits for them


async def test_a_value_types_fields_come_with_the_first_fetch_and_later_part() -> None:
    query = "{ topReviews(first: 2) { id ... @defer { body } } }"
    gateway, transport = in_process_gateway()
    first, last = await parts_of(gateway, query)
    assert first == {"data": {"topReviews": [{"id": "r1"}, {"id": "r2"}]}, "hasNext": True}
    assert last == {
        "incremental": [
            {"data": {"body": "Love it!"}, "path": ["topReviews", 0]},
            {"data": {"body": "Too expensive."}, "path": ["topReviews", 1]},
        ],
        "hasNext": False,
    }
    assert transport.count("reviews") == 1  # no key to ask again by


class FailingReviews:
    """The real in-process subgraphs, except that `reviews` is down."""

    def __init__(self, inner: InProcessTransport) -> None:
        self.inner = inner

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        if service_name == "reviews":
            return SubgraphFailure(message="reviews is down", code="SUBREQUEST_HTTP_ERROR")
        return await self.inner.fetch(service_name, request)


async def test_errors_of_a_deferred_part_go_with_its_items() -> None:
    gateway, transport = in_process_gateway()
    gateway.transport = FailingReviews(transport)
    query = "{ topProducts(first: 2) { name ... @defer { reviews { body } } } }"
    first, last = await parts_of(gateway, query)
    assert "errors" not in first
    assert first["data"] == {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}
    items = last["incremental"]
    assert [item["path"] for item in items] == [["topProducts", 0], ["topProducts", 1]]
    errors = []
    for item in items:
        assert item["data"] is None  # the non-null `reviews` bubbles out of the fragment
        for error in item.get("errors", ()):
            assert error["path"][:2] == item["path"]
            errors.append(error)
    # The executor reports a failed fetch once, at the first object it was for.
    assert [e["extensions"] for e in errors] == [
        {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "reviews"}
    ]


async def test_closing_the_stream_early_cancels_the_deferred_parts() -> None:
    gateway, _ = in_process_gateway()
    result = await gateway.execute(GraphQLRequest(query=NESTED), {}, incremental=True)
    assert result.subsequent is not None
    stream = result.subsequent
    await anext(stream)  # the outer part; the inner one has started
    running = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert running
    await stream.aclose()  # type: ignore[attr-defined]
    await asyncio.sleep(0)
    assert all(task.done() for task in running)
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]


async def test_the_first_part_carries_the_defer_plan_when_asked() -> None:
    gateway, _ = in_process_gateway()
    request = GraphQLRequest(query=REVIEWS)
    result = await gateway.execute(request, {}, incremental=True, include_plan=True)
    text = result.body["extensions"]["queryPlanText"]
    assert "Defer {" in text
    assert 'Deferred(id: 0, depends: [], path: "topProducts/@", label: "reviews")' in text
    assert result.body["extensions"]["queryPlan"]["node"]["kind"] == "Defer"


async def test_a_skipped_deferred_fragment_delivers_no_item() -> None:
    query = """query ($x: Boolean!) {
      topProducts(first: 1) { name ... @defer @include(if: $x) { reviews { body } } } }"""
    gateway, _ = in_process_gateway()
    first, last = await parts_of(gateway, query, {"x": False})
    assert first == {"data": {"topProducts": [{"name": "Table"}]}, "hasNext": True}
    assert last == {"hasNext": False}
    parts = await parts_of(gateway, query, {"x": True})
    assert merge_parts(parts) == await _whole(query, {"x": True})


async def test_mutations_and_introspection_with_defer_answer_in_one_part() -> None:
    gateway, _ = in_process_gateway()
    mutation = "mutation { stampAccounts ... @defer { stampReviews } }"
    (answer,) = await parts_of(gateway, mutation)
    assert set(answer["data"]) == {"stampAccounts", "stampReviews"}
    assert "hasNext" not in answer
    query = "{ __schema { queryType { name } } ... @defer { topReviews(first: 1) { id } } }"
    (answer,) = await parts_of(gateway, query)
    assert answer == {
        "data": {"__schema": {"queryType": {"name": "Query"}}, "topReviews": [{"id": "r1"}]}
    }
