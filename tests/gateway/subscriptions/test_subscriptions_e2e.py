"""Subscriptions end to end: real clients, a real gateway process, the four real subgraphs.

The `graphql-ws` library's client and an SSE reader subscribe to `statusPosted` through the
gateway; each event comes from WhatsApp over graphql-transport-ws and is completed with
accounts' fields (an entity fetch per event). A token the gateway refuses closes the
connection with 4403; a WhatsApp process killed mid-stream gives the client an error, then
`complete`.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.event_stream import EventStream
from devstack.graphql_client import post_graphql
from devstack.processes import free_port
from devstack.stack import gateway_env, start_gateway
from gateway.subscriptions import SUBGRAPH_SUBSCRIPTION_CLOSED
from tests.gateway.subscriptions.subscription_support import (
    POST,
    ROOT,
    STATUS_POSTED,
    WsClient,
    first_event,
    post_status,
)
from tests.subgraphs.whatsapp.platform_world import Graph, Person

pytestmark = pytest.mark.integration

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"


@pytest.fixture(scope="module")
def gateway(own_graph: Graph, test_output_root: Path) -> Iterator[str]:
    log = test_output_root / "subscriptions" / "gateway.log"
    env = {
        **gateway_env(own_graph.services),
        "GATEWAY_LOG_LEVEL": "warning",
        "GATEWAY_SUBSCRIPTIONS_KEEPALIVE": "1",
        "GATEWAY_CSRF_PREVENTION": "true",
    }
    service = start_gateway(SUPERGRAPH, free_port(), env, log)
    try:
        yield f"{service.url}/graphql"
    finally:
        service.stop()


def _ws_next(client: WsClient) -> Callable[[float], dict[str, Any] | None]:
    return client.try_line


def test_graphql_ws_client_gets_events_with_federated_fields(
    own_graph: Graph, person: Person, gateway: str
) -> None:
    client = WsClient(gateway, person.token, STATUS_POSTED)
    try:
        assert client.next_line()["event"] == "connected"
        first, posted = first_event(own_graph, person, _ws_next(client), "first")
        assert first["event"] == "next", first
        assert "errors" not in first["payload"], first
        event = first["payload"]["data"]["statusPosted"]
        assert event["text"] in posted
        assert event["account"]["person"] == {"id": person.id, "displayName": "Test Person"}
        stranger = own_graph.sign_up()
        own_graph.register_whatsapp(stranger)
        post_status(own_graph, stranger, "not yours")
        second_id = post_status(own_graph, person, "second")
        while (line := client.next_line())["payload"]["data"]["statusPosted"]["text"] in posted:
            pass  # a post from the first loop that arrived late
        assert line["payload"]["data"]["statusPosted"]["id"] == second_id
        assert "errors" not in line["payload"]
    finally:
        client.close()


def test_a_token_the_gateway_refuses_closes_with_4403(gateway: str) -> None:
    client = WsClient(gateway, "not-a-token", STATUS_POSTED)
    try:
        line = client.next_line()
        assert line["event"] == "closed", line
        assert line["code"] == 4403
    finally:
        client.close()


def test_sse_streams_events_until_the_client_leaves(
    own_graph: Graph, person: Person, gateway: str
) -> None:
    reader = EventStream(gateway, person.token, STATUS_POSTED)
    try:
        assert reader.response.status == 200
        assert reader.response.getheader("content-type", "").startswith("text/event-stream")

        def heard(timeout: float) -> tuple[str, Any] | None:
            try:
                return reader.next_event(timeout)
            except AssertionError:
                return None

        (kind, body), posted = first_event(own_graph, person, heard, "sse")
        assert kind == "next"
        assert body["data"]["statusPosted"]["text"] in posted
        assert body["data"]["statusPosted"]["account"]["person"]["displayName"] == "Test Person"
    finally:
        reader.close()


def test_an_idle_sse_stream_gets_keep_alive_comments(person: Person, gateway: str) -> None:
    parts = urllib.parse.urlsplit(gateway)
    connection = http.client.HTTPConnection(parts.netloc, timeout=5)
    try:
        headers = {
            "Accept": "text/event-stream",
            "Content-Type": "application/json",
            "Authorization": f"Bearer {person.token}",
        }
        connection.request("POST", parts.path, json.dumps({"query": STATUS_POSTED}), headers)
        response = connection.getresponse()
        started = time.monotonic()
        assert response.readline() == b":\n"  # keep-alive is 1 s here; nothing is posted
        assert 0.5 < time.monotonic() - started < 3
    finally:
        connection.close()


def test_a_query_over_sse_is_one_event_then_complete(person: Person, gateway: str) -> None:
    reader = EventStream(gateway, person.token, "{ me { id displayName } }")
    try:
        assert reader.next_event() == (
            "next",
            {"data": {"me": {"id": person.id, "displayName": "Test Person"}}},
        )
        assert reader.next_event() == ("complete", None)
    finally:
        reader.close()


def _sse_get(gateway: str, query: str, headers: dict[str, str]) -> tuple[int, str]:
    """A GET asking for an event stream: its status and whole body (the stream completes)."""
    url = f"{gateway}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "text/event-stream", **headers})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_an_sse_get_is_checked_like_any_get(person: Person, gateway: str) -> None:
    status, body = _sse_get(gateway, "{ __typename }", {})
    assert status == 400
    assert "CSRF_PREVENTION" in body
    preflight = {"apollo-require-preflight": "1", "Authorization": f"Bearer {person.token}"}
    status, body = _sse_get(gateway, "{ __typename }", preflight)
    assert status == 200
    assert (
        body == 'event: next\ndata: {"data":{"__typename":"Query"}}\n\nevent: complete\ndata:\n\n'
    )
    status, body = _sse_get(gateway, POST, preflight)
    assert status == 200
    assert "Mutations can only be sent with POST" in body
    assert body.endswith("event: complete\ndata:\n\n")


def test_a_subscription_in_a_json_request_says_where_to_send_it(
    person: Person, gateway: str
) -> None:
    response = post_graphql(gateway, STATUS_POSTED, None, token=person.token)
    assert "WebSocket" in response.errors[0]["message"]


def test_a_subgraph_killed_mid_stream_gives_an_error_then_complete(
    own_graph: Graph, person: Person, gateway: str
) -> None:
    client = WsClient(gateway, person.token, STATUS_POSTED)
    try:
        assert client.next_line()["event"] == "connected"
        first, _ = first_event(own_graph, person, _ws_next(client), "before the kill")
        assert first["event"] == "next"
        whatsapp = own_graph.services["whatsapp"]
        os.kill(whatsapp.pid, signal.SIGKILL)
        started = time.monotonic()
        line = client.next_line()
        assert line["event"] == "next", line
        errors = line["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == SUBGRAPH_SUBSCRIPTION_CLOSED
        assert errors[0]["extensions"]["serviceName"] == "whatsapp"
        assert client.next_line()["event"] == "complete"
        assert time.monotonic() - started < 5
    finally:
        client.close()
        own_graph.stop("whatsapp")
        own_graph.restart("whatsapp")
