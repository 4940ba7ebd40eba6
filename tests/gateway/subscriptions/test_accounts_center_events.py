"""The Accounts Center's events end to end: the `graphql-ws` client through a real gateway to
the four real subgraphs, people made over HTTP as a client would.

Each event is heard by the person it is about and by nobody else (a second person subscribed
to the same field hears only their own), and each carries keys the gateway completes from
other subgraphs: a Story's owner's name from accounts, a cross-post's Story caption from
Facebook or Instagram, a person's WhatsApp number from WhatsApp. A cross-post the `postStatus`
mutation could not deliver (Instagram down) is told when the outbox worker delivers it later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.processes import free_port
from devstack.stack import gateway_env, start_gateway
from tests.gateway.subscriptions.subscription_support import ROOT, WsClient
from tests.subgraphs.whatsapp.platform_world import Graph, Person

pytestmark = pytest.mark.integration

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
QUIET = 1.0
"""How long a stream that must hear nothing is watched, after the events it might have heard."""

CROSS_POST = (
    "mutation($t: String!, $p: [Platform!]) {"
    " postStatus(text: $t, crossPost: true, targets: $p) { status { id } } }"
)
SETTLED = """subscription { crossPostSettled {
  status { id text }
  crossPost { platform state attempts
    story { ... on FacebookStory { id caption } ... on InstagramStory { id caption } } } } }"""
LINKS = """subscription { linksChanged { change platform person {
  id linking { enabled linkedAccounts { platform active } } whatsapp { phoneNumber } } } }"""
TOGGLE = (
    "mutation { off: setLinkingEnabled(enabled: false) { enabled }"
    " on: setLinkingEnabled(enabled: true) { enabled } }"
)


def _story_posted(field: str, handle: str) -> str:
    return (
        f"subscription {{ {field}StoryPosted {{ id caption origin {{ platform id }}"
        f" profile {{ {handle} person {{ id displayName }} }} }} }}"
    )


@pytest.fixture(scope="module")
def gateway(own_graph: Graph, test_output_root: Path) -> Iterator[str]:
    log = test_output_root / "accounts-center-events" / "gateway.log"
    env = {**gateway_env(own_graph.services), "GATEWAY_LOG_LEVEL": "warning"}
    service = start_gateway(SUPERGRAPH, free_port(), env, log)
    try:
        yield f"{service.url}/graphql"
    finally:
        service.stop()


def _subscribed(gateway: str, person: Person, query: str) -> WsClient:
    client = WsClient(gateway, person.token, query)
    assert client.next_line()["event"] == "connected"
    return client


def _data(line: dict[str, Any], field: str) -> dict[str, Any]:
    assert line["event"] == "next", line
    assert "errors" not in line["payload"], line
    data: dict[str, Any] = line["payload"]["data"][field]
    return data


def _until_heard(client: WsClient, act: Callable[[int], object]) -> dict[str, Any]:
    """Act until the open subscription hears something (it starts listening a moment after
    `subscribe`: the protocol has no acknowledgement)."""
    for attempt in range(15):
        act(attempt)
        line = client.try_line(1.0)
        if line is not None:
            return line
    raise AssertionError("no event reached the subscriber")


def _next_matching(
    client: WsClient, field: str, wanted: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The next event that `wanted` accepts, skipping late ones from the warm-up."""
    for _ in range(20):
        event = _data(client.next_line(), field)
        if wanted(event):
            return event
    raise AssertionError(f"no matching {field} event")


def _post(graph: Graph, person: Person, text: str, targets: list[str] | None = None) -> str:
    data = graph.data("whatsapp", CROSS_POST, {"t": text, "p": targets}, person.token)
    status_id: str = data["postStatus"]["status"]["id"]
    return status_id


def _close(*clients: WsClient) -> None:
    for client in clients:
        client.close()


@pytest.mark.parametrize(("field", "handle"), [("facebook", "name"), ("instagram", "username")])
def test_new_stories_reach_the_people_who_may_see_them_only(
    own_graph: Graph, gateway: str, field: str, handle: str
) -> None:
    owner, _ = own_graph.fully_linked()
    stranger, _ = own_graph.fully_linked()
    title = field.capitalize()
    create = f"mutation($c: String!) {{ create{title}Story(caption: $c) {{ id }} }}"
    query = _story_posted(field, handle)
    mine, theirs = _subscribed(gateway, owner, query), _subscribed(gateway, stranger, query)
    try:

        def direct(attempt: int) -> None:
            own_graph.data(field, create, {"c": f"direct {attempt}"}, owner.token)

        first = _data(_until_heard(mine, direct), f"{field}StoryPosted")
        assert first["caption"].startswith("direct")
        assert first["origin"] is None
        assert first["profile"]["person"] == {"id": owner.id, "displayName": "Test Person"}
        status_id = _post(own_graph, owner, "shared everywhere")
        crossposted = _next_matching(
            mine, f"{field}StoryPosted", lambda event: event["origin"] is not None
        )
        assert crossposted["origin"] == {"platform": "WHATSAPP", "id": status_id}
        assert crossposted["caption"] == "shared everywhere"
        assert theirs.try_line(QUIET) is None, "a stranger heard of someone else's Story"
        # The stranger's stream works: it hears the stranger's own Story.
        own_graph.data(field, create, {"c": "the stranger's own"}, stranger.token)
        event = _data(theirs.next_line(), f"{field}StoryPosted")
        assert event["caption"] == "the stranger's own"
        assert event["profile"]["person"]["id"] == stranger.id
    finally:
        _close(mine, theirs)


def test_each_cross_post_is_told_to_its_owner_per_platform(own_graph: Graph, gateway: str) -> None:
    owner, _ = own_graph.fully_linked()
    stranger, _ = own_graph.fully_linked()
    mine, theirs = _subscribed(gateway, owner, SETTLED), _subscribed(gateway, stranger, SETTLED)
    try:
        _until_heard(mine, lambda attempt: _post(own_graph, owner, f"warm-up {attempt}"))
        status_id = _post(own_graph, owner, "to both")
        settled: dict[str, dict[str, Any]] = {}
        while len(settled) < 2:
            event = _next_matching(
                mine, "crossPostSettled", lambda event: event["status"]["id"] == status_id
            )
            settled[event["crossPost"]["platform"]] = event
        for platform, event in settled.items():
            assert event["status"]["text"] == "to both"
            assert event["crossPost"]["state"] == "DONE", platform
            assert event["crossPost"]["story"]["caption"] == "to both"  # from that platform
        assert theirs.try_line(QUIET) is None, "a stranger heard of someone else's cross-post"
    finally:
        _close(mine, theirs)


def test_a_cross_post_the_outbox_delivers_later_is_told_then(
    own_graph: Graph, gateway: str
) -> None:
    owner, _ = own_graph.fully_linked()
    mine = _subscribed(gateway, owner, SETTLED)
    try:
        _until_heard(mine, lambda n: _post(own_graph, owner, f"warm-up {n}", ["FACEBOOK"]))
        own_graph.stop("instagram")
        try:
            status_id = _post(own_graph, owner, "instagram is down")
            facebook = _next_matching(
                mine, "crossPostSettled", lambda event: event["status"]["id"] == status_id
            )
            assert facebook["crossPost"]["platform"] == "FACEBOOK"
            assert mine.try_line(QUIET) is None, "an undelivered cross-post was told as settled"
        finally:
            own_graph.restart("instagram")
        later = _next_matching(
            mine, "crossPostSettled", lambda event: event["status"]["id"] == status_id
        )
        assert later["crossPost"]["platform"] == "INSTAGRAM"
        assert later["crossPost"]["state"] == "DONE"
        assert later["crossPost"]["attempts"] >= 2
        assert later["crossPost"]["story"]["caption"] == "instagram is down"
    finally:
        _close(mine)


def test_link_changes_reach_their_person_only(own_graph: Graph, gateway: str) -> None:
    owner, accounts = own_graph.fully_linked()
    stranger, _ = own_graph.fully_linked()
    mine, theirs = _subscribed(gateway, owner, LINKS), _subscribed(gateway, stranger, LINKS)
    try:
        paused = _data(
            _until_heard(mine, lambda _: own_graph.data("accounts", TOGGLE, token=owner.token)),
            "linksChanged",
        )
        assert (paused["change"], paused["platform"]) == ("PAUSED", None)
        resumed = _next_matching(mine, "linksChanged", lambda event: event["change"] != "PAUSED")
        assert resumed["change"] == "RESUMED"
        own_graph.unlink(owner, "INSTAGRAM")
        unlinked = _next_matching(mine, "linksChanged", lambda event: event["change"] == "UNLINKED")
        assert unlinked["platform"] == "INSTAGRAM"
        person = unlinked["person"]
        assert person["id"] == owner.id
        assert {a["platform"] for a in person["linking"]["linkedAccounts"]} == {
            "WHATSAPP",
            "FACEBOOK",
        }
        assert person["whatsapp"]["phoneNumber"].startswith("+")  # from WhatsApp, per event
        own_graph.link(owner, "INSTAGRAM", accounts["INSTAGRAM"])
        linked = _next_matching(mine, "linksChanged", lambda event: event["change"] == "LINKED")
        assert linked["platform"] == "INSTAGRAM"
        assert linked["person"]["linking"]["enabled"] is True
        assert theirs.try_line(QUIET) is None, "a stranger heard of someone else's links"
    finally:
        _close(mine, theirs)
