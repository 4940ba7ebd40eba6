"""A cross-post whose target is down is kept, delivered once the target is back, exactly once.

These tests stop the Facebook subgraph process (by its PID) and start it again on the same port
and database, so they run on a stack of their own (`own_graph`).
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest
from bson import ObjectId

from tests.subgraphs.whatsapp.platform_world import Graph, Person, wait_for

pytestmark = pytest.mark.integration

POST = """mutation($t: String!) {
  postStatus(text: $t) { status { id } done pending failed }
}"""
SHARED = """query($id: ID!) { whatsAppStatus(id: $id) {
  sharedTo { platform state attempts story { ... on FacebookStory { id } } }
} }"""
DELIVERY_TIMEOUT = 45.0


def shared_to(graph: Graph, person: Person, status_id: str) -> dict[str, dict[str, Any]]:
    data = graph.data("whatsapp", SHARED, {"id": status_id}, person.token)
    return {entry["platform"]: entry for entry in data["whatsAppStatus"]["sharedTo"]}


def facebook_stories_from(graph: Graph, status_id: str) -> int:
    stories = graph.database("facebook")["stories"]
    count: int = stories.count_documents({"originPlatform": "WHATSAPP", "originId": status_id})
    return count


def test_pending_cross_post_is_delivered_after_the_target_returns_exactly_once(
    own_graph: Graph,
) -> None:
    graph = own_graph
    person, _ = graph.fully_linked()
    graph.stop("facebook")
    try:
        payload = graph.data("whatsapp", POST, {"t": "while facebook is down"}, person.token)
        posted = payload["postStatus"]
        assert posted["done"] == ["INSTAGRAM"]
        assert posted["pending"] == ["FACEBOOK"]
        status_id = posted["status"]["id"]
        entry = shared_to(graph, person, status_id)["FACEBOOK"]
        assert entry["state"] == "PENDING"
        assert entry["story"] is None
        wait_for(
            lambda: shared_to(graph, person, status_id)["FACEBOOK"]["attempts"] >= 2,
            DELIVERY_TIMEOUT,
            "the worker to retry while facebook is down",
        )
    finally:
        graph.restart("facebook")

    def delivered() -> dict[str, Any] | None:
        entry = shared_to(graph, person, status_id)["FACEBOOK"]
        return entry if entry["state"] == "DONE" else None

    done = wait_for(delivered, DELIVERY_TIMEOUT, "the pending cross-post to be delivered")
    assert facebook_stories_from(graph, status_id) == 1
    [story] = graph.database("facebook")["stories"].find({"originId": status_id})
    assert done["story"]["id"] == str(story["_id"])
    assert story["caption"] == "while facebook is down"
    document = graph.database("whatsapp")["statuses"].find_one({"_id": ObjectId(status_id)})
    assert "deliveryDueAt" not in document  # nothing left for the worker to do
    assert shared_to(graph, person, status_id)["INSTAGRAM"]["state"] == "DONE"


def test_a_pending_cross_post_is_cancelled_when_the_account_is_unlinked(own_graph: Graph) -> None:
    graph = own_graph
    person, _ = graph.fully_linked()
    graph.stop("facebook")
    try:
        payload = graph.data("whatsapp", POST, {"t": "unlinked before delivery"}, person.token)
        status_id = payload["postStatus"]["status"]["id"]
        assert payload["postStatus"]["pending"] == ["FACEBOOK"]
        graph.unlink(person, "FACEBOOK")
    finally:
        graph.restart("facebook")

    def settled() -> str | None:
        state: str = shared_to(graph, person, status_id)["FACEBOOK"]["state"]
        return None if state == "PENDING" else state

    assert wait_for(settled, DELIVERY_TIMEOUT, "the cross-post to settle") == "CANCELLED"
    assert facebook_stories_from(graph, status_id) == 0


def test_two_replicas_deliver_a_pending_cross_post_once(own_graph: Graph) -> None:
    graph = own_graph
    replica = graph.start_replica("whatsapp")  # both workers poll the same outbox
    try:
        person, _ = graph.fully_linked()
        graph.stop("facebook")
        try:
            payload = graph.data("whatsapp", POST, {"t": "two replicas"}, person.token)
            status_id = payload["postStatus"]["status"]["id"]
            assert payload["postStatus"]["pending"] == ["FACEBOOK"]
            wait_for(
                lambda: shared_to(graph, person, status_id)["FACEBOOK"]["attempts"] >= 3,
                DELIVERY_TIMEOUT,
                "the workers to retry while facebook is down",
            )
        finally:
            graph.restart("facebook")
        wait_for(
            lambda: shared_to(graph, person, status_id)["FACEBOOK"]["state"] == "DONE",
            DELIVERY_TIMEOUT,
            "delivery after facebook is back",
        )
        time.sleep(2.0)  # several more worker ticks on both replicas
        assert facebook_stories_from(graph, status_id) == 1
        assert shared_to(graph, person, status_id)["FACEBOOK"]["state"] == "DONE"
    finally:
        replica.stop()


def test_a_hung_target_does_not_hold_post_status(own_graph: Graph) -> None:
    """The in-line try is bounded well under a second; the outbox delivers the rest, once."""
    graph = own_graph
    person, _ = graph.fully_linked()
    facebook = graph.services["facebook"]
    os.kill(facebook.pid, signal.SIGSTOP)  # accepts connections, never answers
    try:
        started = time.monotonic()
        payload = graph.data("whatsapp", POST, {"t": "facebook hangs"}, person.token)
        elapsed = time.monotonic() - started
    finally:
        os.kill(facebook.pid, signal.SIGCONT)
    posted = payload["postStatus"]
    assert posted["done"] == ["INSTAGRAM"]
    assert posted["pending"] == ["FACEBOOK"]
    assert elapsed < 3.0, elapsed  # it was 5-6.6 s while the in-line try waited 5 s
    status_id = posted["status"]["id"]
    wait_for(
        lambda: shared_to(graph, person, status_id)["FACEBOOK"]["state"] == "DONE",
        DELIVERY_TIMEOUT,
        "the outbox to deliver once facebook answers again",
    )
    time.sleep(1.0)  # the late in-line write and the worker's retry have both landed
    assert facebook_stories_from(graph, status_id) == 1
