"""`make cluster` holds up as a deployment would: replicas share state, and losing one is cheap.

One balanced stack for the module (nginx, two gateways, two of each subgraph, Redis, FerretDB,
real processes on 127.0.0.1). The failover test kills a gateway, so it runs last.
"""

from __future__ import annotations

import os
import secrets
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId

from devstack.demo_people import DEMO_PERSON
from devstack.outbox import insert_due_copies, settlement, stories_per_origin, story_requests
from tests.devstack.cluster_support import (
    Cluster,
    cluster_running,
    drive_load,
    persisted,
    post_json,
)

pytestmark = pytest.mark.integration

ME = {"query": "query Me { me { displayName whatsapp { phoneNumber } } }", "operationName": "Me"}
SIGN_IN = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }"
POST = "mutation($t: String!) { postStatus(text: $t, crossPost: true) { status { id } done } }"
LOAD_CLIENTS = 8
LOAD_SECONDS = 6.0
KILL_AFTER_SECONDS = 2.0
MARKED_DOWN_SECONDS = 0.5  # after this, no request may fail: nginx skips the dead replica
DUE_STATUSES = 8
WAIT_SECONDS = 60.0


@pytest.fixture(scope="module")
def cluster(test_output_root: Path) -> Iterator[Cluster]:
    with cluster_running(test_output_root / "cluster" / secrets.token_hex(4)) as running:
        yield running


def _codes(answer: dict[str, Any]) -> set[str]:
    return {str((e.get("extensions") or {}).get("code")) for e in answer.get("errors") or []}


def test_the_banner_services_are_replicas_behind_nginx(cluster: Cluster) -> None:
    names = [service.name for service in cluster.stack.services()]
    for base in ("accounts", "whatsapp", "facebook", "instagram", "gateway"):
        assert [n for n in names if n.startswith(f"{base}-")] == [f"{base}-1", f"{base}-2"]
    assert "nginx" in names
    status, answer = post_json(cluster.url, ME, cluster.token)
    assert status == 200, answer
    assert answer["data"]["me"]["displayName"] == DEMO_PERSON.display_name


def test_apq_registered_on_one_gateway_is_known_to_the_other(cluster: Cluster) -> None:
    query = f"query {{ me {{ displayName }} t{secrets.token_hex(4)}: __typename }}"
    first, second = cluster.replica_url("gateway-1"), cluster.replica_url("gateway-2")
    _, unknown = post_json(second, persisted(query, with_document=False), cluster.token)
    assert _codes(unknown) == {"PERSISTED_QUERY_NOT_FOUND"}
    _, registered = post_json(first, persisted(query, with_document=True), cluster.token)
    assert registered["data"]["me"]["displayName"] == DEMO_PERSON.display_name
    for url in (second, cluster.url, cluster.url):  # the other replica, and through nginx
        _, answer = post_json(url, persisted(query, with_document=False), cluster.token)
        assert answer.get("data", {}).get("me") == {"displayName": DEMO_PERSON.display_name}


def test_sign_in_limits_count_across_both_gateways(cluster: Cluster) -> None:
    """30 sign-ins per client address a minute (schema/gateway.yaml). Alternating between the
    replicas, 20 each: apart, neither would refuse any; shared through Redis, they refuse."""
    urls = [cluster.replica_url("gateway-1"), cluster.replica_url("gateway-2")]
    refused = 0
    for attempt in range(40):
        variables = {"e": f"nobody{attempt}@example.com", "p": "not the password"}
        _, answer = post_json(urls[attempt % 2], {"query": SIGN_IN, "variables": variables})
        refused += "RATE_LIMITED" in _codes(answer)
    assert refused >= 10


def _facebook_story_requests(cluster: Cluster) -> int:
    """POST /internal/stories requests nginx passed to a facebook replica so far."""
    return story_requests(cluster.access_log, cluster.stack.subgraph_urls["facebook"])


def _due_copies(cluster: Cluster, status_id: str) -> list[ObjectId]:
    """Copies of a cross-posted Status, PENDING again and due now, no lease taken: what a
    whatsapp replica that died after its insert leaves for the others' workers."""
    stack = cluster.stack
    return insert_due_copies(stack.database.uri, stack.options.db_prefix, status_id, DUE_STATUSES)


def _delivered(cluster: Cluster, ids: list[ObjectId]) -> bool:
    return settlement(cluster.stack.database.uri, cluster.stack.options.db_prefix, ids).all_done


def test_a_cross_post_is_delivered_exactly_once_by_two_whatsapp_processes(
    cluster: Cluster,
) -> None:
    before = _facebook_story_requests(cluster)
    variables = {"t": f"cluster {secrets.token_hex(3)}"}
    status, posted = post_json(cluster.url, {"query": POST, "variables": variables}, cluster.token)
    assert status == 200, posted
    assert sorted(posted["data"]["postStatus"]["done"]) == ["FACEBOOK", "INSTAGRAM"]
    assert _facebook_story_requests(cluster) == before + 1
    # The outbox path: both whatsapp replicas' workers race for the same due Statuses.
    copies = _due_copies(cluster, posted["data"]["postStatus"]["status"]["id"])
    deadline = time.monotonic() + WAIT_SECONDS
    while not _delivered(cluster, copies):
        assert time.monotonic() < deadline, "the workers did not deliver the due Statuses"
        time.sleep(0.5)
    time.sleep(2.0)  # several more worker ticks on both replicas
    assert _facebook_story_requests(cluster) == before + 1 + DUE_STATUSES
    stack = cluster.stack
    stories = stories_per_origin(stack.database.uri, stack.options.db_prefix, "facebook", copies)
    assert stories == {str(i): 1 for i in copies}


def test_killing_a_gateway_under_load_fails_only_what_it_held(cluster: Cluster) -> None:
    victim = cluster.stack.supervisor.service("gateway-1")
    outcomes, done = drive_load(
        cluster.url, ME, cluster.token, clients=LOAD_CLIENTS, seconds=LOAD_SECONDS
    )
    time.sleep(KILL_AFTER_SECONDS)
    killed_at = time.monotonic()
    os.kill(victim.pid, signal.SIGKILL)
    assert done.wait(LOAD_SECONDS + 30), "the load did not finish"
    failed = [o for o in outcomes if not o.ok]
    after = [o for o in outcomes if o.started >= killed_at + MARKED_DOWN_SECONDS]
    # Each client has one request in flight, so the victim held at most LOAD_CLIENTS, and only
    # requests it held may fail: every failure was sent before the kill (or as it landed).
    assert len(failed) <= LOAD_CLIENTS, failed
    assert all(o.started < killed_at + MARKED_DOWN_SECONDS for o in failed), failed
    assert after, "no requests after the kill: the load was too short to show anything"
    assert all(o.ok for o in after)
    assert sum(o.ok and o.started < killed_at for o in outcomes) > LOAD_CLIENTS  # it was load
    errors = (cluster.stack.options.log_dir / "nginx-error.log").read_text()
    assert f"127.0.0.1:{victim.port}" in errors  # nginx saw the dead replica and skipped it
    # The supervisor (`make cluster` ticks it) brings the replica back on the same port.
    deadline = time.monotonic() + WAIT_SECONDS
    while not (cluster.stack.supervisor.restarts("gateway-1") and _ready(cluster, "gateway-1")):
        assert time.monotonic() < deadline, "gateway-1 was not restarted"
        cluster.stack.supervisor.tick()
        time.sleep(0.5)
    status, answer = post_json(cluster.replica_url("gateway-1"), ME, cluster.token)
    assert status == 200, answer


def _ready(cluster: Cluster, name: str) -> bool:
    return cluster.stack.supervisor.is_ready(name)
