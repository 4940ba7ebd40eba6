"""The Instagram subgraph over HTTP: entities, batching, privacy, usernames and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId

from subgraphs.instagram.schema import print_sdl
from tests.subgraphs.whatsapp.platform_world import Graph

pytestmark = pytest.mark.integration

WRITES = ("insert", "update", "delete", "findAndModify")
ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on InstagramProfile { id username stories { id } }
  ... on InstagramStory { id caption origin { platform id } }
  ... on Person { id instagram { id username } }
} }"""
REGISTER = "mutation($u: String!) { registerInstagramProfile(username: $u) { id username } }"


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def writes(graph: Graph) -> int:
    counts = graph.commands("instagram")
    return sum(counts.get(command, 0) for command in WRITES)


def cross_post(graph: Graph, profile_id: str, caption: str) -> str:
    story = {
        "originPlatform": "WHATSAPP",
        "originId": str(ObjectId()),
        "accountId": profile_id,
        "caption": caption,
    }
    status, body = graph.internal("instagram", "/internal/stories", story)
    assert status == 200, body
    story_id: str = body["id"]
    return story_id


def test_service_sdl_is_the_printed_sdl(graph: Graph) -> None:
    sdl = graph.data("instagram", "{ _service { sdl } }")["_service"]["sdl"]
    assert sdl.rstrip("\n") == print_sdl().rstrip("\n")


def test_entities_resolve_for_their_owner(graph: Graph) -> None:
    person = graph.sign_up()
    username = f"ada.{ObjectId()}"[:30]
    profile_id = graph.data("instagram", REGISTER, {"u": username}, person.token)[
        "registerInstagramProfile"
    ]["id"]
    story_id = cross_post(graph, profile_id, "from whatsapp")
    representations = [
        {"__typename": "InstagramProfile", "id": profile_id},
        {"__typename": "InstagramStory", "id": story_id},
        {"__typename": "Person", "id": person.id},
    ]
    profile, story, who = graph.data("instagram", ENTITIES, {"r": representations}, person.token)[
        "_entities"
    ]
    assert profile == {"id": profile_id, "username": username, "stories": [{"id": story_id}]}
    assert story["origin"]["platform"] == "WHATSAPP"
    assert who["instagram"] == {"id": profile_id, "username": username}


def test_resolving_100_stories_costs_one_database_query(graph: Graph) -> None:
    person = graph.sign_up()
    profile_id = graph.register_instagram(person)
    story_ids = [cross_post(graph, profile_id, f"story {n}") for n in range(100)]
    representations = [{"__typename": "InstagramStory", "id": s} for s in story_ids]
    before = graph.commands("instagram")
    entities = graph.data("instagram", ENTITIES, {"r": representations}, person.token)["_entities"]
    after = graph.commands("instagram")
    assert [e["caption"] for e in entities] == [f"story {n}" for n in range(100)]
    sent = {command: n - before.get(command, 0) for command, n in after.items()}
    assert {command: n for command, n in sent.items() if n} == {"find": 1}


def test_nobody_reads_another_persons_profile_or_stories(graph: Graph) -> None:
    owner, other = graph.sign_up(), graph.sign_up()
    profile_id = graph.register_instagram(owner)
    story_id = cross_post(graph, profile_id, "secret caption")
    representations = [
        {"__typename": "InstagramProfile", "id": profile_id},
        {"__typename": "InstagramStory", "id": story_id},
        {"__typename": "Person", "id": owner.id},
    ]
    for token, code in ((other.token, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        body = graph.post("instagram", ENTITIES, {"r": representations}, token)
        assert "secret caption" not in str(body)
        assert set(codes(body)) == {code}
        assert body["data"]["_entities"][2] == {"id": owner.id, "instagram": None}


def test_usernames_are_checked_and_unique(graph: Graph) -> None:
    first, second = graph.sign_up(), graph.sign_up()
    username = f"u_{ObjectId()}"[:30]
    graph.data("instagram", REGISTER, {"u": username}, first.token)
    before = writes(graph)
    for bad in ("", "Has Spaces", "UPPER", "x" * 31, "emoji_🙂"):
        body = graph.post("instagram", REGISTER, {"u": bad}, second.token)
        assert codes(body) == ["BAD_USER_INPUT"], bad
    assert writes(graph) == before
    assert codes(graph.post("instagram", REGISTER, {"u": username}, second.token)) == ["CONFLICT"]
    profiles = graph.database("instagram")["profiles"]
    assert profiles.count_documents({"ownerId": second.id}) == 0
