"""Cross-posting a Status follows Accounts Center: only to accounts linked AND routes enabled.

Every person here is made over HTTP: signed up on accounts, platform accounts registered,
linked with a one-time proof, routes toggled with `setSharingPreference`.
"""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId

from tests.subgraphs.whatsapp.platform_world import Graph, Person

pytestmark = pytest.mark.integration

POST = """mutation($t: String!, $c: Boolean!, $targets: [Platform!]) {
  postStatus(text: $t, crossPost: $c, targets: $targets) {
    status { id sharedTo { platform state story { __typename ...FB ...IG } } }
    done pending failed
  }
}
fragment FB on FacebookStory { id }
fragment IG on InstagramStory { id }"""
FB_STORIES = """query($id: ID!) { _entities(representations: [{__typename: "Person", id: $id}]) {
  ... on Person { facebook { name stories { id caption origin { platform id } } } }
} }"""


def post(
    graph: Graph, person: Person, text: str, *, cross: bool = True, targets: list[str] | None = None
) -> dict[str, Any]:
    variables = {"t": text, "c": cross, "targets": targets}
    payload: dict[str, Any] = graph.data("whatsapp", POST, variables, person.token)["postStatus"]
    return payload


def facebook_stories(graph: Graph, person: Person) -> list[dict[str, Any]]:
    data = graph.data("facebook", FB_STORIES, {"id": person.id}, person.token)
    stories: list[dict[str, Any]] = data["_entities"][0]["facebook"]["stories"]
    return stories


def test_nothing_is_shared_while_linking_is_off(graph: Graph) -> None:
    person = graph.sign_up()
    graph.register_whatsapp(person)
    graph.register_facebook(person)
    payload = post(graph, person, "nobody linked yet")
    assert payload["done"] == payload["pending"] == []
    assert payload["status"]["sharedTo"] == []


def test_shared_only_where_linked_and_enabled(graph: Graph) -> None:
    person = graph.sign_up()
    ids = {
        "WHATSAPP": graph.register_whatsapp(person),
        "FACEBOOK": graph.register_facebook(person),
        "INSTAGRAM": graph.register_instagram(person),
    }
    graph.link(person, "WHATSAPP", ids["WHATSAPP"])
    graph.link(person, "FACEBOOK", ids["FACEBOOK"])
    assert post(graph, person, "linked, no route")["done"] == []  # routes are off by default

    graph.share(person, "FACEBOOK")
    payload = post(graph, person, "to facebook only")  # Instagram is not linked
    assert payload["done"] == ["FACEBOOK"]
    assert payload["pending"] == []
    [cross] = payload["status"]["sharedTo"]
    assert cross["platform"] == "FACEBOOK"
    assert cross["state"] == "DONE"
    assert cross["story"]["__typename"] == "FacebookStory"
    [story] = facebook_stories(graph, person)
    assert story["id"] == cross["story"]["id"]
    assert story["caption"] == "to facebook only"
    assert story["origin"] == {"platform": "WHATSAPP", "id": payload["status"]["id"]}

    graph.link(person, "INSTAGRAM", ids["INSTAGRAM"])
    assert post(graph, person, "instagram linked, route off")["done"] == ["FACEBOOK"]
    graph.share(person, "INSTAGRAM")
    graph.share(person, "FACEBOOK", enabled=False)
    assert post(graph, person, "facebook route off")["done"] == ["INSTAGRAM"]
    assert len(facebook_stories(graph, person)) == 2


def test_a_status_can_opt_out_of_sharing(graph: Graph) -> None:
    person, _ = graph.fully_linked()
    payload = post(graph, person, "just for whatsapp", cross=False)
    assert payload["status"]["sharedTo"] == []
    assert post(graph, person, "everywhere")["done"] == ["FACEBOOK", "INSTAGRAM"]


def test_a_business_account_cross_posts_the_same_way(graph: Graph) -> None:
    person, _ = graph.fully_linked(business_name="Lovelace Engines Ltd")
    payload = post(graph, person, "New engines in stock")
    assert payload["done"] == ["FACEBOOK", "INSTAGRAM"]
    [story] = facebook_stories(graph, person)
    assert story["origin"] == {"platform": "WHATSAPP", "id": payload["status"]["id"]}


def test_sharing_to_a_target_that_is_not_allowed_is_refused_and_writes_nothing(
    graph: Graph,
) -> None:
    person = graph.sign_up()
    graph.link(person, "WHATSAPP", graph.register_whatsapp(person))
    graph.link(person, "FACEBOOK", graph.register_facebook(person))
    graph.share(person, "FACEBOOK")
    statuses = graph.database("whatsapp")["statuses"]
    body = graph.post(
        "whatsapp",
        POST,
        {"t": "to both", "c": True, "targets": ["FACEBOOK", "INSTAGRAM"]},
        person.token,
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["refused"] == ["INSTAGRAM"]
    assert statuses.count_documents({"ownerId": person.id}) == 0
    assert facebook_stories(graph, person) == []
    self_target = graph.post(
        "whatsapp", POST, {"t": "x", "c": True, "targets": ["WHATSAPP"]}, person.token
    )
    assert self_target["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    payload = post(graph, person, "explicit", targets=["FACEBOOK"])
    assert payload["done"] == ["FACEBOOK"]


def test_unlinking_stops_sharing_at_once_and_keeps_platform_data(graph: Graph) -> None:
    person, ids = graph.fully_linked()
    first = post(graph, person, "before unlinking")
    assert first["done"] == ["FACEBOOK", "INSTAGRAM"]
    graph.unlink(person, "FACEBOOK")
    after = post(graph, person, "after unlinking")
    assert after["done"] == ["INSTAGRAM"]
    stories = facebook_stories(graph, person)
    assert [s["caption"] for s in stories] == ["before unlinking"]
    account = graph.data(
        "whatsapp",
        'query($id: ID!) { _entities(representations: [{__typename: "WhatsAppAccount", '
        "id: $id}]) { ... on WhatsAppAccount { statuses { text } } } }",
        {"id": ids["WHATSAPP"]},
        person.token,
    )["_entities"][0]
    assert [s["text"] for s in account["statuses"]] == ["after unlinking", "before unlinking"]


def test_delivery_is_idempotent_on_the_origin(graph: Graph) -> None:
    person = graph.sign_up()
    profile_id = graph.register_facebook(person)
    origin = str(ObjectId())
    story = {
        "originPlatform": "WHATSAPP",
        "originId": origin,
        "accountId": profile_id,
        "caption": "delivered twice",
    }
    first = graph.internal("facebook", "/internal/stories", story)
    second = graph.internal("facebook", "/internal/stories", story)
    assert first[0] == second[0] == 200
    assert first[1]["id"] == second[1]["id"]
    assert graph.database("facebook")["stories"].count_documents({"originId": origin}) == 1
