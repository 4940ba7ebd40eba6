"""Facebook and Instagram over HTTP, the same tests for both: one story-platform schema serves them.

Entities, batching, privacy, bad input and the intake route; what differs between the two
(type names, the handle field and its rule) comes from each platform's `StoryPlatform` spec.
Instagram's username rules are in `tests/subgraphs/instagram/`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from bson import ObjectId

from subgraphs.common.story_schema import StoryPlatform
from subgraphs.facebook import schema as facebook
from subgraphs.instagram import schema as instagram
from tests.subgraphs.whatsapp.platform_world import Graph, Person

pytestmark = pytest.mark.integration

WRITES = ("insert", "update", "delete", "findAndModify")


@dataclass(frozen=True, slots=True)
class Case:
    spec: StoryPlatform
    print_sdl: Callable[[], str]
    new_handle: Callable[[], str]

    @property
    def name(self) -> str:
        return self.spec.field

    def entities(self) -> str:
        title, handle = self.spec.title, self.spec.handle_field
        return f"""query($r: [_Any!]!) {{ _entities(representations: $r) {{
  ... on {title}Profile {{ id {handle} person {{ id }} stories {{ id }} }}
  ... on {title}Story {{ id caption origin {{ platform id }} }}
  ... on Person {{ id {self.name} {{ id {handle} }} }}
}} }}"""

    def create(self) -> str:
        field = f"create{self.spec.title}Story"
        return f"mutation($c: String!) {{ {field}(caption: $c) {{ id caption origin {{ id }} }} }}"

    def register(self, graph: Graph, person: Person, handle: str) -> str:
        field, arg = f"register{self.spec.title}Profile", self.spec.handle_field
        mutation = f"mutation($h: String!) {{ {field}({arg}: $h) {{ id }} }}"
        profile_id: str = graph.data(self.name, mutation, {"h": handle}, person.token)[field]["id"]
        return profile_id


CASES = [
    Case(facebook.FACEBOOK, facebook.print_sdl, lambda: f"Test {secrets.token_hex(3)}"),
    Case(instagram.INSTAGRAM, instagram.print_sdl, lambda: f"u_{secrets.token_hex(5)}"),
]


@pytest.fixture(params=CASES, ids=[case.name for case in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    chosen: Case = request.param
    return chosen


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def writes(graph: Graph, case: Case) -> int:
    counts = graph.commands(case.name)
    return sum(counts.get(command, 0) for command in WRITES)


def cross_post(graph: Graph, case: Case, profile_id: str, caption: str) -> str:
    story = {
        "originPlatform": "WHATSAPP",
        "originId": str(ObjectId()),
        "accountId": profile_id,
        "caption": caption,
    }
    status, body = graph.internal(case.name, "/internal/stories", story)
    assert status == 200, body
    story_id: str = body["id"]
    return story_id


def test_service_sdl_is_the_printed_sdl(graph: Graph, case: Case) -> None:
    sdl = graph.data(case.name, "{ _service { sdl } }")["_service"]["sdl"]
    assert sdl.rstrip("\n") == case.print_sdl().rstrip("\n")


def test_entities_resolve_for_their_owner(graph: Graph, case: Case) -> None:
    person, handle = graph.sign_up(), case.new_handle()
    profile_id = case.register(graph, person, handle)
    direct = graph.data(case.name, case.create(), {"c": "posted here"}, person.token)
    direct_story = next(iter(direct.values()))
    assert direct_story["origin"] is None
    shared = cross_post(graph, case, profile_id, "from whatsapp")
    title = case.spec.title
    representations = [
        {"__typename": f"{title}Profile", "id": profile_id},
        {"__typename": f"{title}Story", "id": shared},
        {"__typename": "Person", "id": person.id},
    ]
    body = graph.data(case.name, case.entities(), {"r": representations}, person.token)
    profile, story, who = body["_entities"]
    assert profile == {
        "id": profile_id,
        case.spec.handle_field: handle,
        "person": {"id": person.id},
        "stories": [{"id": shared}, {"id": direct_story["id"]}],
    }
    assert story["caption"] == "from whatsapp"
    assert story["origin"]["platform"] == "WHATSAPP"
    assert who[case.name] == {"id": profile_id, case.spec.handle_field: handle}


def test_resolving_100_stories_costs_one_database_query(graph: Graph, case: Case) -> None:
    person = graph.sign_up()
    profile_id = case.register(graph, person, case.new_handle())
    story_ids = [cross_post(graph, case, profile_id, f"story {n}") for n in range(100)]
    representations = [{"__typename": f"{case.spec.title}Story", "id": s} for s in story_ids]
    before = graph.commands(case.name)
    body = graph.data(case.name, case.entities(), {"r": representations}, person.token)
    after = graph.commands(case.name)
    assert [e["caption"] for e in body["_entities"]] == [f"story {n}" for n in range(100)]
    sent = {command: n - before.get(command, 0) for command, n in after.items()}
    assert {command: n for command, n in sent.items() if n} == {"find": 1}


def test_nobody_reads_another_persons_profile_or_stories(graph: Graph, case: Case) -> None:
    owner, other, handle = graph.sign_up(), graph.sign_up(), case.new_handle()
    profile_id = case.register(graph, owner, handle)
    story_id = cross_post(graph, case, profile_id, "secret caption")
    title = case.spec.title
    representations = [
        {"__typename": f"{title}Profile", "id": profile_id},
        {"__typename": f"{title}Story", "id": story_id},
        {"__typename": "Person", "id": owner.id},
    ]
    for token, code in ((other.token, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        body = graph.post(case.name, case.entities(), {"r": representations}, token)
        assert "secret caption" not in str(body)
        assert handle not in str(body)
        assert set(codes(body)) == {code}
        assert body["data"]["_entities"] == [None, None, {"id": owner.id, case.name: None}]
    field = f"{case.name}Story"
    query = f"query($id: ID!) {{ {field}(id: $id) {{ caption }} }}"
    body = graph.post(case.name, query, {"id": story_id}, other.token)
    assert body == {"data": {field: None}}  # as for an id that does not exist
    proof = f"mutation($a: ID!) {{ create{title}LinkProof(accountId: $a) {{ code }} }}"
    assert codes(graph.post(case.name, proof, {"a": profile_id}, other.token)) == ["NOT_FOUND"]


def test_bad_input_is_refused_and_writes_nothing(graph: Graph, case: Case) -> None:
    person, stranger = graph.sign_up(), graph.sign_up()
    handle = case.new_handle()
    case.register(graph, person, handle)
    before = writes(graph, case)
    create = case.create()
    for caption in ("  ", "x" * 701):
        body = graph.post(case.name, create, {"c": caption}, person.token)
        assert codes(body) == ["BAD_USER_INPUT"], caption
    body = graph.post(case.name, create, {"c": "no profile"}, stranger.token)
    assert codes(body) == ["NOT_FOUND"]
    assert codes(graph.post(case.name, create, {"c": "no token"})) == ["UNAUTHENTICATED"]
    field, arg = f"register{case.spec.title}Profile", case.spec.handle_field
    again = f'mutation {{ {field}({arg}: "{case.new_handle()}") {{ id }} }}'
    assert codes(graph.post(case.name, again, token=person.token)) == ["CONFLICT"]
    bad_id = [{"__typename": f"{case.spec.title}Story", "id": "12"}]
    body = graph.post(case.name, case.entities(), {"r": bad_id}, person.token)
    assert codes(body) == ["BAD_USER_INPUT"]
    assert writes(graph, case) == before


def test_the_intake_route_checks_its_caller_and_its_input(graph: Graph, case: Case) -> None:
    person = graph.sign_up()
    profile_id = case.register(graph, person, case.new_handle())
    good = {
        "originPlatform": "WHATSAPP",
        "originId": str(ObjectId()),
        "accountId": profile_id,
        "caption": "hello",
    }
    before = writes(graph, case)
    assert graph.internal(case.name, "/internal/stories", good, token=None)[0] == 401
    assert graph.internal(case.name, "/internal/stories", good, token="wrong")[0] == 401
    for bad in (
        {**good, "caption": ""},
        {**good, "originPlatform": "MYSPACE"},
        {**good, "accountId": "nope"},
        {**good, "accountId": str(ObjectId())},
        {k: v for k, v in good.items() if k != "originId"},
    ):
        assert graph.internal(case.name, "/internal/stories", bad)[0] == 400, bad
    assert writes(graph, case) == before
    assert graph.database(case.name)["stories"].count_documents({"ownerId": person.id}) == 0
