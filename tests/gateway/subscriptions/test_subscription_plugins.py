"""Plugins and subscriptions, end to end (a real gateway process, the four real subgraphs):
`on_operation` runs once per subscription, over SSE and WebSocket alike; the fetch that
completes each event runs `on_subgraph_request` in the subscription's scope; `on_response`
does not run on streamed answers (docs/plugins.md, "Streams")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from devstack.event_stream import EventStream
from devstack.processes import free_port
from devstack.stack import gateway_env, start_gateway
from tests.gateway.subscriptions.subscription_support import ROOT, WsClient, first_event
from tests.subgraphs.whatsapp.platform_world import Graph, Person

pytestmark = pytest.mark.integration

WATCH = "subscription Watch { statusPosted { id text account { person { id displayName } } } }"


@pytest.fixture(scope="module")
def recorded(own_graph: Graph, test_output_root: Path) -> Iterator[tuple[str, Path]]:
    folder = test_output_root / "subscription-plugins"
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / "hooks.jsonl"
    record.unlink(missing_ok=True)
    env = {
        **gateway_env(own_graph.services),
        "GATEWAY_LOG_LEVEL": "warning",
        "GATEWAY_PLUGINS": "tests.gateway.subscriptions.scope_recorder:ScopeRecorder",
        "SCOPE_RECORDER_PATH": str(record),
    }
    service = start_gateway(
        ROOT / "schema" / "supergraph.graphql", free_port(), env, folder / "gw.log"
    )
    try:
        yield f"{service.url}/graphql", record
    finally:
        service.stop()


def _lines(record: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]


def _hooks_of(lines: list[dict[str, Any]], method: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["scope"] and line["scope"]["method"] == method]


def test_sse_subscriptions_run_request_and_subgraph_hooks_not_on_response(
    own_graph: Graph, person: Person, recorded: tuple[str, Path]
) -> None:
    url, record = recorded
    reader = EventStream(url, person.token, WATCH)
    try:

        def heard(timeout: float) -> Any:
            try:
                return reader.next_event(timeout)
            except AssertionError:
                return None

        (kind, body), _ = first_event(own_graph, person, heard, "sse hooks")
        assert kind == "next", body
        assert body["data"]["statusPosted"]["account"]["person"]["id"] == person.id
    finally:
        reader.close()
    mine = _hooks_of(_lines(record), "POST")  # the SSE request was a POST
    assert mine[0] == {"hook": "operation", "scope": {"method": "POST", "operation": "Watch"}}
    completing = [line for line in mine if line["hook"] == "subgraph_request"]
    assert completing  # the fetch that completed the event, in the subscription's scope
    assert all(line["scope"]["operation"] == "Watch" for line in completing)
    assert not [line for line in mine if line["hook"] == "response"]


def test_websocket_subscriptions_run_them_in_a_scope_of_their_own(
    own_graph: Graph, person: Person, recorded: tuple[str, Path]
) -> None:
    url, record = recorded
    client = WsClient(url, person.token, WATCH)
    try:
        assert client.next_line()["event"] == "connected"
        event, _ = first_event(own_graph, person, client.try_line, "ws hooks")
        assert event["event"] == "next", event
    finally:
        client.close()
    mine = _hooks_of(_lines(record), "GET")  # a WebSocket operation's scope says GET
    assert mine[0] == {"hook": "operation", "scope": {"method": "GET", "operation": "Watch"}}
    assert any(line["hook"] == "subgraph_request" for line in mine)
    assert not [line for line in mine if line["hook"] == "response"]
