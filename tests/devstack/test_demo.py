"""The demo world loads through the real subgraphs, and loading it twice duplicates nothing."""

from __future__ import annotations

from typing import Any

import pytest

from devstack.demo import DEMO_PEOPLE, DEMO_PERSON, Session, load_demo_world
from devstack.graphql_client import post_graphql, require_data
from devstack.processes import Service

pytestmark = pytest.mark.integration

ACCOUNTS = """
query { me { displayName linking { enabled linkedAccounts { platform } }
  sharing { route enabled } stickers(first: 100) { label } avatar { imageUrl } } }
"""
PROFILES = """
query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Person { %s } } }
"""


def _urls(stack: dict[str, Service]) -> dict[str, str]:
    return {name: f"{service.url}/graphql" for name, service in stack.items()}


def _person_field(url: str, session: Session, selection: str) -> Any:
    reps = [{"__typename": "Person", "id": session.person_id}]
    response = post_graphql(url, PROFILES % selection, {"reps": reps}, token=session.token)
    return require_data(response, selection)["_entities"][0]


def _world(stack: dict[str, Service], session: Session) -> dict[str, Any]:
    urls = _urls(stack)
    me = require_data(post_graphql(urls["accounts"], ACCOUNTS, token=session.token), "me")["me"]
    statuses = _person_field(
        urls["whatsapp"], session, "whatsapp { statuses { text sharedTo { platform state } } }"
    )
    facebook = _person_field(
        urls["facebook"], session, "facebook { name stories { caption origin { platform } } }"
    )
    instagram = _person_field(urls["instagram"], session, "instagram { username stories { id } }")
    return {"me": me, **statuses, **facebook, **instagram}


@pytest.fixture(scope="module")
def loaded_twice(subgraph_stack: dict[str, Service]) -> tuple[dict[str, Session], dict[str, Any]]:
    first = load_demo_world(_urls(subgraph_stack))
    before = _world(subgraph_stack, first[DEMO_PERSON.email])
    second = load_demo_world(_urls(subgraph_stack))
    assert {e: s.person_id for e, s in first.items()} == {e: s.person_id for e, s in second.items()}
    return second, before


def test_demo_person_is_fully_linked_and_sharing(
    subgraph_stack: dict[str, Service], loaded_twice: tuple[dict[str, Session], dict[str, Any]]
) -> None:
    sessions, _ = loaded_twice
    world = _world(subgraph_stack, sessions[DEMO_PERSON.email])
    me = world["me"]
    assert me["displayName"] == DEMO_PERSON.display_name
    assert me["linking"]["enabled"] is True
    linked = sorted(link["platform"] for link in me["linking"]["linkedAccounts"])
    assert linked == ["FACEBOOK", "INSTAGRAM", "WHATSAPP"]
    assert all(pref["enabled"] for pref in me["sharing"])
    assert len(me["sharing"]) == 2
    assert me["avatar"]["imageUrl"] == DEMO_PERSON.avatar_url
    crossed = [s for s in world["whatsapp"]["statuses"] if s["sharedTo"]]
    assert len(crossed) == 1
    assert {post["platform"] for post in crossed[0]["sharedTo"]} == {"FACEBOOK", "INSTAGRAM"}
    fb_origins = [story["origin"] for story in world["facebook"]["stories"]]
    assert fb_origins == [{"platform": "WHATSAPP"}]


def test_second_load_duplicates_nothing(
    subgraph_stack: dict[str, Service], loaded_twice: tuple[dict[str, Session], dict[str, Any]]
) -> None:
    sessions, before = loaded_twice
    after = _world(subgraph_stack, sessions[DEMO_PERSON.email])
    assert after == before
    labels = [sticker["label"] for sticker in after["me"]["stickers"]]
    assert sorted(labels) == sorted(DEMO_PERSON.stickers)
    assert len(after["whatsapp"]["statuses"]) == len(DEMO_PERSON.statuses)
    assert len(after["instagram"]["stories"]) == 1


def test_unlinked_person_stays_unlinked(
    subgraph_stack: dict[str, Service], loaded_twice: tuple[dict[str, Session], dict[str, Any]]
) -> None:
    sessions, _ = loaded_twice
    unlinked = [p for p in DEMO_PEOPLE if not p.linking_enabled]
    assert unlinked
    for person in unlinked:
        world = _world(subgraph_stack, sessions[person.email])
        assert world["me"]["linking"] == {"enabled": False, "linkedAccounts": []}
        assert all(not s["sharedTo"] for s in world["whatsapp"]["statuses"])
