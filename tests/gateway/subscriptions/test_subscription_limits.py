"""Subscriptions when parts fail or clients misbehave, through a real gateway process.

Here the gateway reaches accounts at a port where nothing listens (tokens are still checked
against accounts' real keys): every event's entity fetch to accounts fails, so each event is
partial data with errors, and the stream goes on. One operation at a time per connection,
at most two open per client (its token's subject) over every connection and transport, pings
every half second, and a stopped gateway completes its streams before it closes, with one
worker or two.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.event_stream import EventStream
from devstack.processes import Service, free_port
from devstack.stack import gateway_env, start_gateway
from tests.gateway.subscriptions.protocol_client import Closed, ProtocolClient, connected
from tests.gateway.subscriptions.subscription_support import (
    ROOT,
    STATUS_POSTED,
    MultipartClient,
    WsClient,
    first_event,
    multipart_event,
    post_status,
)
from tests.subgraphs.whatsapp.platform_world import Graph, Person

pytestmark = pytest.mark.integration

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"


def _start(
    graph: Graph, log: Path, level: str = "warning", more: dict[str, str] | None = None
) -> Service:
    env = {
        **gateway_env(graph.services),
        "GATEWAY_SUBGRAPH_URL_ACCOUNTS": f"http://127.0.0.1:{free_port()}/graphql",
        "GATEWAY_READINESS_SUBGRAPHS": "whatsapp",
        "GATEWAY_SUBSCRIPTIONS_MAX_PER_CONNECTION": "1",
        "GATEWAY_SUBSCRIPTIONS_MAX_PER_CLIENT": "2",
        "GATEWAY_SUBSCRIPTIONS_KEEPALIVE": "0.5",
        "GATEWAY_LOG_LEVEL": level,
        **(more or {}),
    }
    return start_gateway(SUPERGRAPH, free_port(), env, log)


@pytest.fixture(scope="module")
def gateway(own_graph: Graph, test_output_root: Path) -> Iterator[str]:
    service = _start(own_graph, test_output_root / "subscription-limits" / "gateway.log")
    try:
        yield f"{service.url}/graphql"
    finally:
        service.stop()


def test_a_failed_entity_fetch_is_partial_data_and_the_stream_goes_on(
    own_graph: Graph, person: Person, gateway: str
) -> None:
    client = WsClient(gateway, person.token, STATUS_POSTED)
    try:
        assert client.next_line()["event"] == "connected"
        for round_ in ("one", "two"):
            line, posted = first_event(own_graph, person, client.try_line, round_)
            assert line["event"] == "next", line
            payload = line["payload"]
            assert payload["data"] is not None, payload
            assert payload["data"]["statusPosted"]["text"] in posted
            # `person: Person!` could not be completed, so its nullable parent is null
            assert payload["data"]["statusPosted"]["account"] is None
            assert {e["extensions"]["serviceName"] for e in payload["errors"]} == {"accounts"}
    finally:
        client.close()


def test_one_operation_too_many_on_a_connection_is_an_error(person: Person, gateway: str) -> None:
    async def run() -> None:
        async with connected(gateway, person.token) as client:
            await client.subscribe("a", STATUS_POSTED)
            await client.subscribe("b", STATUS_POSTED)
            message = await client.receive()
            assert message["id"] == "b"
            assert message["type"] == "error"
            assert message["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"

    asyncio.run(run())


async def _message(client: ProtocolClient, wait: float = 15.0) -> dict[str, Any]:
    """The next message that is not the gateway's ping; TimeoutError after `wait` seconds."""
    async with asyncio.timeout(wait):
        while (message := await client.receive(wait))["type"] == "ping":
            pass
    return message


async def _both_hear(
    graph: Graph, person: Person, one: ProtocolClient, two: ProtocolClient
) -> None:
    """Post until both subscriptions heard an event: then both are open and counted."""
    heard: set[ProtocolClient] = set()
    for attempt in range(15):
        await asyncio.to_thread(post_status, graph, person, f"counted {attempt}")
        for client in (one, two):
            if client in heard:
                continue
            with contextlib.suppress(TimeoutError):
                assert (await _message(client, 1.0))["type"] == "next"
                heard.add(client)
        if len(heard) == 2:
            return
    raise AssertionError("the two subscriptions did not both start")


def test_a_client_over_its_limit_is_refused_on_every_transport(
    own_graph: Graph, gateway: str
) -> None:
    newcomer = own_graph.sign_up()
    own_graph.register_whatsapp(newcomer)

    async def run() -> None:
        async with (
            connected(gateway, newcomer.token) as one,
            connected(gateway, newcomer.token) as two,
            connected(gateway, newcomer.token) as three,
        ):
            await one.subscribe("a", STATUS_POSTED)
            await two.subscribe("b", STATUS_POSTED)
            await _both_hear(own_graph, newcomer, one, two)
            await three.subscribe("c", STATUS_POSTED)
            refused = await _message(three)
            assert refused["type"] == "error", refused
            assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
            assert "for one client" in refused["payload"][0]["message"]
            reader = await asyncio.to_thread(EventStream, gateway, newcomer.token, STATUS_POSTED)
            try:
                kind, body = await asyncio.to_thread(reader.next_event)
                assert kind == "next"
                assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
                assert await asyncio.to_thread(reader.next_event) == ("complete", None)
            finally:
                reader.close()
        for _ in range(50):  # both closed: once the gateway noticed, their places are free
            async with connected(gateway, newcomer.token) as again:
                await again.subscribe("d", STATUS_POSTED)
                try:
                    answer = await _message(again, 0.5)
                except TimeoutError:
                    return  # admitted: a subscription is quiet until something is posted
                assert answer["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
            await asyncio.sleep(0.1)
        raise AssertionError("the closed subscriptions still count against the client")

    asyncio.run(run())


def test_the_gateway_pings_and_answers_pings(gateway: str) -> None:
    async def run() -> None:
        async with connected(gateway) as client:
            await client.send({"type": "ping"})
            assert await client.receive(2.0) == {"type": "pong"}
            assert await client.receive(2.0) == {"type": "ping"}

    asyncio.run(run())


def test_a_client_that_never_initialises_is_closed_with_4408_and_a_second_init_4429(
    gateway: str,
) -> None:
    async def run() -> None:
        async with connected(gateway, init=False) as client:
            with pytest.raises(Closed) as closed:
                await client.receive(10.0)
            assert closed.value.code == 4408
        async with connected(gateway) as client:
            await client.send({"type": "connection_init"})
            with pytest.raises(Closed) as closed:
                await client.receive()
            assert closed.value.code == 4429

    asyncio.run(run())


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stopping_gateway_completes_every_stream(
    own_graph: Graph, person: Person, test_output_root: Path, workers: int
) -> None:
    log = test_output_root / "subscription-limits" / f"stopped-{workers}.log"
    service = _start(own_graph, log, "info", {"GATEWAY_WORKERS": str(workers)})
    url = f"{service.url}/graphql"
    websocket = WsClient(url, person.token, STATUS_POSTED)
    multipart = MultipartClient(url, person.token, STATUS_POSTED)
    try:
        assert websocket.next_line()["event"] == "connected"
        assert multipart.next_line()["status"] == 200
        first_event(own_graph, person, websocket.try_line, "before stopping")
        first_event(own_graph, person, lambda t: multipart_event(multipart, t), "multipart")
        service.stop()
        while (line := websocket.next_line())["event"] == "next":
            pass  # an event of the second round of posts
        assert line["event"] == "complete", line
        while (line := multipart.next_line())["event"] == "part":
            pass  # events and heartbeats: the stream goes on until the gateway ends it
        assert line == {"event": "end", "closed": True}
    finally:
        websocket.close()
        multipart.close()
        service.stop()
