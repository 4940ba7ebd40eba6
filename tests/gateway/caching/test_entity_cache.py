"""Entity caching against real subgraphs and real gateway processes.

Accounts counts its `_entities` and root requests, so each test proves where an answer came
from: the second request is served from the cache, an entry expires with its max-age, an
invalidation by tag (or type, or key) sends the next request to the subgraph, and one
person's private entry is never served to another.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from devstack.processes import Service
from tests.gateway.caching.cache_support import (
    ALICE,
    BOB,
    ask,
    cache_env,
    control,
    counts,
    invalidate,
    rename,
    start_gateway,
)
from tests.gateway.server.server_support import call

REVIEWS = "{ reviews { body author { name } } }"
NOTES = "{ reviews { author { note } } }"
USER = '{ user(id: "u2") { name } }'


@pytest.fixture
def gateway(subgraphs: Service, supergraph_file: Path, tmp_path: Path) -> Iterator[Service]:
    control(subgraphs, "max-age=60")
    service = start_gateway(supergraph_file, tmp_path / "gateway.log", cache_env())
    yield service
    service.stop()


def cache_report(answer: Mapping[str, object]) -> list[dict[str, object]]:
    extensions = answer.get("extensions")
    assert isinstance(extensions, dict), answer
    report: list[dict[str, object]] = extensions["entityCache"]
    return report


def test_the_second_request_is_answered_from_the_cache(
    gateway: Service, subgraphs: Service
) -> None:
    first = ask(gateway, REVIEWS)
    assert counts(subgraphs)["entities"] == 1
    assert counts(subgraphs)["representations"] == 2  # u1 and u2, deduplicated
    second = ask(gateway, REVIEWS)
    assert second["data"] == first["data"]
    assert counts(subgraphs)["entities"] == 1
    assert cache_report(first) == [
        {"subgraph": "accounts", "type": "User", "hits": 0, "misses": 2},
        {"subgraph": "reviews", "type": "Query", "hits": 0, "misses": 1},
    ]
    assert cache_report(second) == [
        {"subgraph": "accounts", "type": "User", "hits": 2, "misses": 0},
        {"subgraph": "reviews", "type": "Query", "hits": 1, "misses": 0},
    ]


def test_only_the_missing_representations_are_sent(gateway: Service, subgraphs: Service) -> None:
    ask(gateway, '{ user(id: "u1") { name } }')  # a root entry, no entity
    ask(gateway, REVIEWS)
    ask(gateway, REVIEWS)
    invalidate(
        gateway, [{"kind": "entity", "subgraph": "accounts", "type": "User", "key": {"id": "u2"}}]
    )
    ask(gateway, REVIEWS)
    assert counts(subgraphs) == {"entities": 2, "representations": 3, "roots": 1}


def test_an_entry_expires_with_its_max_age(gateway: Service, subgraphs: Service) -> None:
    control(subgraphs, "max-age=1")
    ask(gateway, REVIEWS)
    ask(gateway, REVIEWS)
    assert counts(subgraphs)["entities"] == 1
    time.sleep(1.5)
    ask(gateway, REVIEWS)
    assert counts(subgraphs)["entities"] == 2


def test_no_store_is_not_cached(gateway: Service, subgraphs: Service) -> None:
    control(subgraphs, "no-store")
    ask(gateway, REVIEWS)
    ask(gateway, REVIEWS)
    assert counts(subgraphs)["entities"] == 2


def test_invalidation_by_tag_makes_the_next_request_fresh(
    gateway: Service, subgraphs: Service
) -> None:
    rename(subgraphs, "u1", "Ada")
    assert ask(gateway, REVIEWS)["data"]["reviews"][0]["author"]["name"] == "Ada"
    rename(subgraphs, "u1", "Ada King")
    try:
        assert ask(gateway, REVIEWS)["data"]["reviews"][0]["author"]["name"] == "Ada"  # stale
        reply = invalidate(
            gateway, [{"kind": "cache_tag", "subgraphs": ["accounts"], "cache_tag": "user-u1"}]
        )
        assert reply.status == 200
        assert reply.json() == {"count": 1}
        answer = ask(gateway, REVIEWS)
    finally:
        rename(subgraphs, "u1", "Ada")
    assert answer["data"]["reviews"][0]["author"]["name"] == "Ada King"
    assert cache_report(answer)[0] == {
        "subgraph": "accounts",
        "type": "User",
        "hits": 1,
        "misses": 1,
    }


def test_root_fields_are_cached_and_tagged_by_argument(
    gateway: Service, subgraphs: Service
) -> None:
    ask(gateway, USER)
    ask(gateway, USER)
    assert counts(subgraphs)["roots"] == 1
    reply = invalidate(
        gateway, [{"kind": "cache_tag", "subgraphs": ["accounts"], "cache_tag": "user-u1"}]
    )
    assert reply.json() == {"count": 0}  # another user's tag
    invalidate(gateway, [{"kind": "cache_tag", "subgraphs": ["accounts"], "cache_tag": "user-u2"}])
    ask(gateway, USER)
    assert counts(subgraphs)["roots"] == 2


def test_invalidation_by_type_and_by_subgraph(gateway: Service, subgraphs: Service) -> None:
    ask(gateway, REVIEWS)
    ask(gateway, USER)
    reply = invalidate(gateway, [{"kind": "type", "subgraph": "accounts", "type": "User"}])
    assert reply.json() == {"count": 2}
    ask(gateway, REVIEWS)
    reply = invalidate(gateway, [{"kind": "subgraph", "subgraph": "accounts"}])
    assert reply.json()["count"] >= 3  # two users, one root query, and tag indexes
    ask(gateway, USER)
    assert counts(subgraphs) == {"entities": 2, "representations": 4, "roots": 2}


def test_the_invalidation_endpoint_wants_the_shared_key(gateway: Service) -> None:
    body = [{"kind": "subgraph", "subgraph": "accounts"}]
    assert invalidate(gateway, body, key="wrong").status == 401
    refused = invalidate(gateway, [{"kind": "all", "subgraph": "accounts", "type": "User"}])
    assert refused.status == 400
    assert "kind" in refused.json()["errors"][0]["message"]
    bad_json = call(gateway.port, "POST", "/invalidation", b"{", {"authorization": "invalidate-me"})
    assert bad_json.status == 400


def test_private_entries_are_never_served_to_another_person(
    gateway: Service, subgraphs: Service
) -> None:
    control(subgraphs, "private, max-age=60")
    notes: dict[str, set[str]] = {}
    for person in (ALICE, BOB, ALICE, BOB):
        answer = ask(gateway, NOTES, person)
        notes.setdefault(person["authorization"], set()).add(
            answer["data"]["reviews"][0]["author"]["note"]
        )
    assert notes == {
        "Bearer alice": {"Ada as seen by Bearer alice"},
        "Bearer bob": {"Ada as seen by Bearer bob"},
    }
    assert counts(subgraphs)["entities"] == 2  # once each, then each from their own entry


def test_an_answer_to_credentials_without_cache_control_is_private(
    gateway: Service, subgraphs: Service
) -> None:
    control(subgraphs, None)
    alice = ask(gateway, NOTES, ALICE)["data"]["reviews"][0]["author"]["note"]
    bob = ask(gateway, NOTES, BOB)["data"]["reviews"][0]["author"]["note"]
    assert (alice, bob) == ("Ada as seen by Bearer alice", "Ada as seen by Bearer bob")
    ask(gateway, NOTES, ALICE)
    assert counts(subgraphs)["entities"] == 2


def test_a_private_answer_without_a_subject_is_not_cached(
    gateway: Service, subgraphs: Service
) -> None:
    control(subgraphs, "private, max-age=60")
    ask(gateway, NOTES)
    ask(gateway, NOTES)
    assert counts(subgraphs)["entities"] == 2


def test_hits_and_misses_are_in_the_metrics(gateway: Service) -> None:
    ask(gateway, REVIEWS)
    ask(gateway, REVIEWS)
    metrics = call(gateway.port, "GET", "/metrics").body.decode()
    assert (
        'gateway_entity_cache_lookups_total{result="hit",subgraph="accounts",type="User"} 2.0'
        in metrics
    )
    assert (
        'gateway_entity_cache_lookups_total{result="miss",subgraph="accounts",type="User"} 2.0'
        in metrics
    )
