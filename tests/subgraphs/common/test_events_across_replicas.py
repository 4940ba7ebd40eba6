"""Each Accounts Center event across two replicas of its subgraph through a real redis-server:
the change is made on one process, the subscriber is connected to the other (graphql-transport-ws
spoken to the subgraphs directly) and hears it, and a second person subscribed there hears
nothing. Without a token every new subscription is UNAUTHENTICATED."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devstack.processes import Service
from devstack.redis_server import RedisServer
from devstack.stack import stop_all
from tests.gateway.subscriptions.protocol_client import ProtocolClient, connected
from tests.subgraphs.whatsapp.platform_world import Graph, Person, start_graph, stop_graph

pytestmark = pytest.mark.integration

LINKS = "subscription { linksChanged { change platform person { id } } }"
STORIES = "subscription { facebookStoryPosted { id caption origin { platform } } }"
SETTLED = "subscription { crossPostSettled { status { id } crossPost { platform state } } }"
TOGGLE = (
    "mutation { off: setLinkingEnabled(enabled: false) { enabled }"
    " on: setLinkingEnabled(enabled: true) { enabled } }"
)
CREATE = "mutation($c: String!) { createFacebookStory(caption: $c) { id } }"
POST = "mutation($t: String!) { postStatus(text: $t) { status { id } } }"
QUIET = 1.0


@dataclass(frozen=True, slots=True)
class Replicated:
    graph: Graph
    replicas: dict[str, str]
    """Subgraph name -> the GraphQL URL of its second process."""


@pytest.fixture(scope="module")
def replicated(mongodb_uri: str, test_output_root: Path) -> Iterator[Replicated]:
    log_dir = test_output_root / "events-across-replicas"
    redis = RedisServer(log_dir / "redis.log").start()
    graph = start_graph(mongodb_uri, log_dir, redis_url=redis.url)
    started: list[Service] = []
    try:
        replicas: dict[str, str] = {}
        for name in ("accounts", "facebook", "whatsapp"):
            service = graph.start_replica(name)
            started.append(service)
            replicas[name] = f"{service.url}/graphql"
        yield Replicated(graph=graph, replicas=replicas)
    finally:
        stop_all(started)
        stop_graph(graph)
        redis.stop()


async def _heard(client: ProtocolClient, wait: float) -> dict[str, Any] | None:
    try:
        return await client.receive(wait)
    except TimeoutError:
        return None


async def _until_heard(client: ProtocolClient, act: Callable[[int], object]) -> dict[str, Any]:
    for attempt in range(15):  # the subscription listens a moment after `subscribe`
        await asyncio.to_thread(act, attempt)
        heard = await _heard(client, 1.0)
        if heard is not None:
            assert heard["type"] == "next", heard
            assert "errors" not in heard["payload"], heard
            data: dict[str, Any] = heard["payload"]["data"]
            return data
    raise AssertionError("the subscriber on the other replica heard nothing")


def _across(
    replicated: Replicated,
    name: str,
    query: str,
    act: Callable[[Person, int], object],
) -> tuple[Person, dict[str, Any]]:
    """Subscribe the owner and a stranger on `name`'s replica, act as the owner on the first
    process until the owner hears it; the stranger must hear nothing."""
    graph = replicated.graph
    owner, _ = graph.fully_linked()
    stranger, _ = graph.fully_linked()

    async def run() -> dict[str, Any]:
        url = replicated.replicas[name]
        async with connected(url, owner.token) as mine, connected(url, stranger.token) as theirs:
            await mine.subscribe("1", query)
            await theirs.subscribe("1", query)
            data = await _until_heard(mine, lambda attempt: act(owner, attempt))
            assert await _heard(theirs, QUIET) is None, "a stranger heard someone else's event"
            return data

    return owner, asyncio.run(run())


def test_links_changed_on_one_accounts_replica_reach_the_other(replicated: Replicated) -> None:
    graph = replicated.graph
    owner, data = _across(
        replicated,
        "accounts",
        LINKS,
        lambda person, _: graph.data("accounts", TOGGLE, token=person.token),
    )
    assert data["linksChanged"]["change"] == "PAUSED"
    assert data["linksChanged"]["person"]["id"] == owner.id


def test_a_story_on_one_facebook_replica_reaches_the_other(replicated: Replicated) -> None:
    graph = replicated.graph
    _, data = _across(
        replicated,
        "facebook",
        STORIES,
        lambda person, n: graph.data("facebook", CREATE, {"c": f"story {n}"}, person.token),
    )
    assert data["facebookStoryPosted"]["caption"].startswith("story")


def test_a_settled_cross_post_reaches_the_other_whatsapp_replica(
    replicated: Replicated,
) -> None:
    graph = replicated.graph
    _, data = _across(
        replicated,
        "whatsapp",
        SETTLED,
        lambda person, n: graph.data("whatsapp", POST, {"t": f"post {n}"}, person.token),
    )
    assert data["crossPostSettled"]["crossPost"]["state"] == "DONE"


@pytest.mark.parametrize(
    ("name", "query"), [("accounts", LINKS), ("facebook", STORIES), ("whatsapp", SETTLED)]
)
def test_without_a_token_each_subscription_is_refused(
    replicated: Replicated, name: str, query: str
) -> None:
    async def run() -> None:
        async with connected(replicated.replicas[name]) as anonymous:
            await anonymous.subscribe("1", query)
            message = await anonymous.receive()
            errors = (
                message["payload"] if message["type"] == "error" else message["payload"]["errors"]
            )
            assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"

    asyncio.run(run())
