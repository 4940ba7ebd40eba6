"""The Facebook subgraph over HTTP: entities, batching, privacy, bad input, the intake route."""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId
from platform_world import Graph

from subgraphs.facebook.schema import print_sdl

pytestmark = pytest.mark.integration

WRITES = ("insert", "update", "delete", "findAndModify")
ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on FacebookProfile { id name person { id } stories { id } }
  ... on FacebookStory { id caption origin { platform id } }
  ... on Person { id facebook { id name } }
} }"""
CREATE = "mutation($c: String!) { createFacebookStory(caption: $c) { id caption origin { id } } }"


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def writes(graph: Graph) -> int:
    counts = graph.commands("facebook")
    return sum(counts.get(command, 0) for command in WRITES)


def cross_post(graph: Graph, profile_id: str, caption: str) -> str:
    story = {
        "originPlatform": "WHATSAPP",
        "originId": str(ObjectId()),
        "accountId": profile_id,
        "caption": caption,
    }
    status, body = graph.internal("facebook", "/internal/stories", story)
    assert status == 200, body
    story_id: str = body["id"]
    return story_id


def test_service_sdl_is_the_printed_sdl(graph: Graph) -> None:
    sdl = graph.data("facebook", "{ _service { sdl } }")["_service"]["sdl"]
    assert sdl.rstrip("\n") == print_sdl().rstrip("\n")


def test_entities_resolve_for_their_owner(graph: Graph) -> None:
    person = graph.sign_up()
    profile_id = graph.register_facebook(person, "Ada Lovelace")
    direct = graph.data("facebook", CREATE, {"c": "posted here"}, person.token)
    assert direct["createFacebookStory"]["origin"] is None
    shared = cross_post(graph, profile_id, "from whatsapp")
    representations = [
        {"__typename": "FacebookProfile", "id": profile_id},
        {"__typename": "FacebookStory", "id": shared},
        {"__typename": "Person", "id": person.id},
    ]
    profile, story, who = graph.data("facebook", ENTITIES, {"r": representations}, person.token)[
        "_entities"
    ]
    assert profile["name"] == "Ada Lovelace"
    assert profile["person"] == {"id": person.id}
    assert [s["id"] for s in profile["stories"]] == [shared, direct["createFacebookStory"]["id"]]
    assert story["caption"] == "from whatsapp"
    assert story["origin"]["platform"] == "WHATSAPP"
    assert who["facebook"] == {"id": profile_id, "name": "Ada Lovelace"}


def test_resolving_100_stories_costs_one_database_query(graph: Graph) -> None:
    person = graph.sign_up()
    profile_id = graph.register_facebook(person)
    story_ids = [cross_post(graph, profile_id, f"story {n}") for n in range(100)]
    representations = [{"__typename": "FacebookStory", "id": s} for s in story_ids]
    before = graph.commands("facebook")
    entities = graph.data("facebook", ENTITIES, {"r": representations}, person.token)["_entities"]
    after = graph.commands("facebook")
    assert [e["caption"] for e in entities] == [f"story {n}" for n in range(100)]
    sent = {command: after[command] - before.get(command, 0) for command in after}
    assert {command: n for command, n in sent.items() if n} == {"find": 1}


def test_nobody_reads_another_persons_profile_or_stories(graph: Graph) -> None:
    owner, other = graph.sign_up(), graph.sign_up()
    profile_id = graph.register_facebook(owner, "Owner Name")
    story_id = cross_post(graph, profile_id, "secret caption")
    representations = [
        {"__typename": "FacebookProfile", "id": profile_id},
        {"__typename": "FacebookStory", "id": story_id},
        {"__typename": "Person", "id": owner.id},
    ]
    for token, code in ((other.token, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        body = graph.post("facebook", ENTITIES, {"r": representations}, token)
        assert "secret caption" not in str(body)
        assert "Owner Name" not in str(body)
        assert set(codes(body)) == {code}
    body = graph.post(
        "facebook",
        "query($id: ID!) { facebookStory(id: $id) { caption } }",
        {"id": story_id},
        other.token,
    )
    assert body == {"data": {"facebookStory": None}}  # as for an id that does not exist
    proof = "mutation($a: ID!) { createFacebookLinkProof(accountId: $a) { code } }"
    assert codes(graph.post("facebook", proof, {"a": profile_id}, other.token)) == ["NOT_FOUND"]


def test_bad_input_is_refused_and_writes_nothing(graph: Graph) -> None:
    person, stranger = graph.sign_up(), graph.sign_up()
    graph.register_facebook(person)
    before = writes(graph)
    assert codes(graph.post("facebook", CREATE, {"c": "  "}, person.token)) == ["BAD_USER_INPUT"]
    assert codes(graph.post("facebook", CREATE, {"c": "x" * 701}, person.token)) == [
        "BAD_USER_INPUT"
    ]
    assert codes(graph.post("facebook", CREATE, {"c": "no profile"}, stranger.token)) == [
        "NOT_FOUND"
    ]
    assert codes(graph.post("facebook", CREATE, {"c": "no token"})) == ["UNAUTHENTICATED"]
    register = 'mutation { registerFacebookProfile(name: "Again") { id } }'
    assert codes(graph.post("facebook", register, token=person.token)) == ["CONFLICT"]
    bad_id = [{"__typename": "FacebookStory", "id": "12"}]
    assert codes(graph.post("facebook", ENTITIES, {"r": bad_id}, person.token)) == [
        "BAD_USER_INPUT"
    ]
    assert writes(graph) == before


def test_the_intake_route_checks_its_caller_and_its_input(graph: Graph) -> None:
    person = graph.sign_up()
    profile_id = graph.register_facebook(person)
    good = {
        "originPlatform": "WHATSAPP",
        "originId": str(ObjectId()),
        "accountId": profile_id,
        "caption": "hello",
    }
    before = writes(graph)
    assert graph.internal("facebook", "/internal/stories", good, token=None)[0] == 401
    assert graph.internal("facebook", "/internal/stories", good, token="wrong")[0] == 401
    for bad in (
        {**good, "caption": ""},
        {**good, "originPlatform": "MYSPACE"},
        {**good, "accountId": "nope"},
        {**good, "accountId": str(ObjectId())},
        {k: v for k, v in good.items() if k != "originId"},
    ):
        assert graph.internal("facebook", "/internal/stories", bad)[0] == 400, bad
    assert writes(graph) == before
    assert graph.database("facebook")["stories"].count_documents({"ownerId": person.id}) == 0
