"""Hostile clients against a real gateway process and a subgraph that floods events.

One WebSocket sends hundreds of `subscribe` messages: the gateway runs
`subscriptions.max_per_connection` of them and refuses the rest one by one, the connection
still answers, operations that were completed free their places, and other clients are served
meanwhile. A client that subscribes to a flood and never reads: the gateway stops reading the
flood from the subgraph once the subscription's bounded queue is full, its memory stays
bounded, and the client, when it reads again, finds the connection closed with 4408.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from devstack.graphql_client import post_graphql
from devstack.processes import Service, free_port, start_service
from gateway.composition import CompositionFailure, SubgraphSource, compose
from tests.gateway.server.server_support import python_env, start_gateway_process
from tests.gateway.subscriptions import flood_subgraph
from tests.gateway.subscriptions.protocol_client import ProtocolClient, connected

pytestmark = pytest.mark.integration

HERE = Path(__file__).resolve().parent
MAX_PER_CONNECTION = 4
QUEUE_SIZE = 16
FLOOD_SIZE = 16_384
QUIET = {"query": "subscription { quiet }"}
RSS_GROWTH_LIMIT_KIB = 64 * 1024


@pytest.fixture(scope="module")
def flood(test_output_root: Path) -> Iterator[Service]:
    port = free_port()
    argv = [sys.executable, str(HERE / "flood_subgraph.py"), str(port)]
    log = test_output_root / "hostile-clients" / "flood.log"
    health = f"http://127.0.0.1:{port}/health"
    service = start_service("flood", argv, python_env(), health, log, port=port)
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="module")
def gateway(flood: Service, test_output_root: Path) -> Iterator[Service]:
    source = SubgraphSource(
        name="flood", routing_url=f"{flood.url}/graphql", sdl=flood_subgraph.schema.as_str()
    )
    composed = compose([source])
    assert not isinstance(composed, CompositionFailure), str(composed)
    folder = test_output_root / "hostile-clients"
    path = folder / "supergraph.graphql"
    path.write_text(composed.supergraph_sdl, encoding="utf-8")
    env = {
        "GATEWAY_SUBSCRIPTIONS_MAX_PER_CONNECTION": str(MAX_PER_CONNECTION),
        "GATEWAY_SUBSCRIPTIONS_QUEUE_SIZE": str(QUEUE_SIZE),
    }
    service = start_gateway_process(["--supergraph", str(path)], folder / "gateway.log", env)
    try:
        yield service
    finally:
        service.stop()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _flood_counts(flood: Service) -> dict[str, int]:
    data = post_graphql(f"{flood.url}/graphql", "{ sent closed }").data
    assert data is not None
    return {"sent": int(data["sent"]), "closed": int(data["closed"])}


async def _refusals(client: ProtocolClient, expected: int) -> set[str]:
    """The ids of the next `expected` messages, each an `error` with TOO_MANY_SUBSCRIPTIONS."""
    refused: set[str] = set()
    for _ in range(expected):
        message = await client.receive()
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
        refused.add(message["id"])
    return refused


def test_a_flood_of_subscribe_messages_is_held_to_the_limit(gateway: Service) -> None:
    url = f"{gateway.url}/graphql"
    flooded = 500

    async def run() -> None:
        async with connected(url) as client:
            for number in range(flooded):
                await client.send({"id": f"s{number}", "type": "subscribe", "payload": QUIET})
            refused = await _refusals(client, flooded - MAX_PER_CONNECTION)
            assert refused == {f"s{n}" for n in range(MAX_PER_CONNECTION, flooded)}
            answer = await asyncio.to_thread(post_graphql, url, "{ sent }")
            assert answer.body == {"data": {"sent": 0}}  # another client is served meanwhile
            await client.send({"type": "ping"})
            assert await client.receive() == {"type": "pong"}
            for number in range(MAX_PER_CONNECTION):  # completed: their places are free again
                await client.send({"id": f"s{number}", "type": "complete"})
            for number in range(flooded, flooded + MAX_PER_CONNECTION):
                await client.send({"id": f"s{number}", "type": "subscribe", "payload": QUIET})
            await client.send({"id": "one too many", "type": "subscribe", "payload": QUIET})
            assert await _refusals(client, 1) == {"one too many"}

    asyncio.run(run())


async def _subscribe_and_never_read(url: str, flood: Service) -> tuple[int, Any]:
    """Subscribe to the flood, read nothing until the subgraph says the gateway ended it; then
    read what the gateway sent: the events it had written, then its close code."""
    timeout = aiohttp.ClientTimeout(total=60)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.ws_connect(url, protocols=("graphql-transport-ws",)) as socket,
    ):
        await socket.send_json({"type": "connection_init"})
        assert (await socket.receive_json(timeout=15))["type"] == "connection_ack"
        before = await asyncio.to_thread(_flood_counts, flood)
        query = {"query": f"subscription {{ flood(size: {FLOOD_SIZE}) }}"}
        await socket.send_json({"id": "flood", "type": "subscribe", "payload": query})
        for _ in range(300):
            counts = await asyncio.to_thread(_flood_counts, flood)
            if counts["closed"] > before["closed"]:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"the gateway kept reading the flood: {counts}")
        sent = counts["sent"] - before["sent"]
        for _ in range(sent + 10):  # bounded: at most every event, then the close
            message = await socket.receive(timeout=15)
            if message.type != aiohttp.WSMsgType.TEXT:
                break
        return sent, socket.close_code


def test_a_client_that_never_reads_is_closed_and_memory_stays_bounded(
    gateway: Service, flood: Service
) -> None:
    url = f"{gateway.url}/graphql"
    asyncio.run(_subscribe_and_never_read(url, flood))  # warms the gateway's allocations up
    baseline = _rss_kib(gateway.pid)
    sent, close_code = asyncio.run(_subscribe_and_never_read(url, flood))
    grown = _rss_kib(gateway.pid) - baseline
    assert close_code == 4408
    assert sent > QUEUE_SIZE  # the gateway did take a flood, not a trickle
    assert grown < RSS_GROWTH_LIMIT_KIB, f"RSS grew by {grown} KiB"
