"""`on_error` on answers over WebSocket and SSE, in a real gateway process before the real
`people` subgraph: a masking plugin masks them as it masks HTTP answers, field errors and
request errors alike (an error-masking plugin must not be gone round by a transport)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from devstack.processes import Service
from tests.gateway.plugins.masking import MASK
from tests.gateway.server.server_support import (
    people_supergraph,
    post_json,
    start_gateway_process,
    start_people_subgraph,
)
from tests.gateway.subscriptions.protocol_client import connected

pytestmark = pytest.mark.integration

FIELD_ERROR = "{ people { name } boom }"
REQUEST_ERROR = "{ nope }"
MISSING_VARIABLE = "query Q($id: ID!) { person(id: $id) { name } }"  # refused at execution


@pytest.fixture(scope="module")
def masked(test_output_root: Path) -> Iterator[Service]:
    work = test_output_root / "plugin-transports"
    work.mkdir(parents=True, exist_ok=True)
    people = start_people_subgraph(work)
    try:
        supergraph = work / "supergraph.graphql"
        supergraph.write_text(people_supergraph(people.url + "/graphql"), encoding="utf-8")
        args = ["--supergraph", str(supergraph), "--plugin", "tests.gateway.plugins.masking:plugin"]
        gateway = start_gateway_process(args, work / "gateway.log")
        try:
            yield gateway
        finally:
            gateway.stop()
    finally:
        people.stop()


def _masked_once(errors: list[dict[str, Any]]) -> bool:
    messages = [error["message"] for error in errors]
    return bool(messages) and all(
        m.startswith(MASK) and not m.startswith(MASK * 2) for m in messages
    )


def test_over_http(masked: Service) -> None:
    field = post_json(masked.port, {"query": FIELD_ERROR}).json()
    assert field["data"]["people"][0]["name"] == "Ada Lovelace"
    assert _masked_once(field["errors"])
    for query in (REQUEST_ERROR, MISSING_VARIABLE):
        assert _masked_once(post_json(masked.port, {"query": query}).json()["errors"])


async def test_over_websocket(masked: Service) -> None:
    async with connected(f"http://127.0.0.1:{masked.port}/graphql") as client:
        await client.subscribe("field", FIELD_ERROR)
        field = await client.receive()
        assert field["type"] == "next"
        assert field["payload"]["data"]["people"][0]["name"] == "Ada Lovelace"
        assert _masked_once(field["payload"]["errors"])
        assert (await client.receive())["type"] == "complete"
        for identifier, query in (("request", REQUEST_ERROR), ("variable", MISSING_VARIABLE)):
            await client.subscribe(identifier, query)
            request = await client.receive()
            assert request["type"] == "error"
            assert _masked_once(request["payload"])


def test_over_event_streams(masked: Service) -> None:
    for query in (FIELD_ERROR, REQUEST_ERROR, MISSING_VARIABLE):
        reply = post_json(masked.port, {"query": query}, accept="text/event-stream")
        assert reply.status == 200
        events = [line for line in reply.body.split(b"\n") if line.startswith(b"data: {")]
        [body] = [orjson.loads(line.removeprefix(b"data: ")) for line in events]
        assert _masked_once(body["errors"])
