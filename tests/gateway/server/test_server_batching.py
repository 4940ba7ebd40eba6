"""Client request batching through a real gateway process: a JSON array in, an array out.

Every item passes the checks a lone request passes (persisted documents, limits, the rate
limit, which counts each item); a batch over `batching.max_size`, and any batch while batching
is off, is one clear error, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import Service
from tests.gateway.server.server_support import post_json, start_gateway_process

PERSON = {"query": "query P($id: ID!) { person(id: $id) { name } }", "variables": {"id": "1"}}
PEOPLE = {"query": "{ people { id } }"}
ALIASED = {"query": "{ a: people { id } b: people { id } }"}


@pytest.fixture(scope="module")
def batching(supergraph_file: Path, server_dir: Path) -> Iterator[Service]:
    env = {
        "GATEWAY_BATCHING_ENABLED": "true",
        "GATEWAY_BATCHING_MAX_SIZE": "3",
        "GATEWAY_LIMITS_MAX_ALIASES": "1",
        "GATEWAY_RATE_LIMIT_REQUESTS": "5",
    }
    service = start_gateway_process(
        ["--supergraph", str(supergraph_file)], server_dir / "gateway-batching.log", env
    )
    try:
        yield service
    finally:
        service.stop()


def codes(body: dict[str, object]) -> list[object]:
    errors = body.get("errors")
    assert isinstance(errors, list), body
    return [e["extensions"]["code"] for e in errors]


def test_a_batch_gets_an_array_of_answers_in_order(batching: Service) -> None:
    first = {"query": "{ people { name } }"}
    reply = post_json(batching.port, [first, {"query": "{ __typename }"}], headers=_client("a"))
    assert reply.status == 200
    assert reply.json() == [
        {"data": {"people": [{"name": "Ada Lovelace"}, {"name": "Grace Hopper"}]}},
        {"data": {"__typename": "Query"}},
    ]
    assert "x-supergraph-hash" in reply.headers


def test_each_item_is_checked_on_its_own(batching: Service) -> None:
    """The alias limit (1 here) refuses the item with two; the others run."""
    reply = post_json(batching.port, [PEOPLE, ALIASED], headers=_client("b"))
    assert reply.status == 200
    first, second = reply.json()
    assert first == {"data": {"people": [{"id": "1"}, {"id": "2"}]}}
    assert codes(second) == ["MAX_ALIASES_EXCEEDED"]


def test_a_bad_item_gets_bad_request_in_its_slot(batching: Service) -> None:
    reply = post_json(batching.port, [PEOPLE, 42, {"variables": {}}], headers=_client("c"))
    assert reply.status == 200
    ok, not_object, no_query = reply.json()
    assert "data" in ok
    assert codes(not_object) == ["BAD_REQUEST"]
    assert codes(no_query) == ["BAD_REQUEST"]


def test_a_persisted_hash_is_resolved_per_item(batching: Service) -> None:
    unknown = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}
    reply = post_json(batching.port, [unknown, PEOPLE], headers=_client("d"))
    first, second = reply.json()
    assert codes(first) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert "data" in second


def test_the_rate_limit_counts_every_item(batching: Service) -> None:
    """5 requests a window: after a batch of 3, a second batch of 3 has one item refused
    (which one depends on the order the concurrent items reach the counter)."""
    headers = _client("e")
    first = post_json(batching.port, [PEOPLE] * 3, headers=headers).json()
    assert all("data" in body for body in first)
    second = post_json(batching.port, [PEOPLE] * 3, headers=headers).json()
    assert sum("data" in body for body in second) == 2
    assert [codes(body) for body in second if "errors" in body] == [["RATE_LIMITED"]]


def test_a_batch_over_the_limit_is_one_error(batching: Service) -> None:
    reply = post_json(batching.port, [PEOPLE] * 4, headers=_client("f"))
    assert reply.status == 400
    body = reply.json()
    assert codes(body) == ["BATCH_LIMIT_EXCEEDED"]
    assert "limit is 3" in body["errors"][0]["message"]


def test_an_empty_batch_is_a_bad_request(batching: Service) -> None:
    reply = post_json(batching.port, [], headers=_client("g"))
    assert reply.status == 400
    assert codes(reply.json()) == ["BAD_REQUEST"]


def test_batching_is_off_by_default(gateway: Service) -> None:
    reply = post_json(gateway.port, [PEOPLE])
    assert reply.status == 400
    body = reply.json()
    assert codes(body) == ["BAD_REQUEST"]
    assert "not enabled" in body["errors"][0]["message"]


def _client(name: str) -> dict[str, str]:
    return {"x-client-id": f"batching-{name}"}
