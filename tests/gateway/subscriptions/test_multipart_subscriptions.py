"""Apollo's multipart HTTP subscriptions end to end: a real gateway, the four real subgraphs.

`meros` (the multipart reader of Relay's and urql's Apollo adapters) subscribes to
`statusPosted` with `Accept: multipart/mixed;subscriptionSpec="1.0"` and reads each event as
`{"payload": ...}` with accounts' fields filled in; the raw bytes are checked against Apollo
Router's framing (boundary `graphql`, `{}` heartbeats, `{"payload": null, "errors"}` for a
request that cannot run, the close delimiter `--graphql--`).
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from devstack.processes import free_port
from devstack.stack import gateway_env, start_gateway
from tests.gateway.subscriptions.subscription_support import (
    ROOT,
    STATUS_POSTED,
    MultipartClient,
    first_event,
    multipart_event,
)
from tests.subgraphs.whatsapp.platform_world import Graph, Person

pytestmark = pytest.mark.integration

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
ACCEPT = 'multipart/mixed;subscriptionSpec="1.0", application/json'
MEDIA_TYPE = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"'
HEAD = b"\r\n--graphql\r\ncontent-type: application/json\r\n\r\n"
END = b"\r\n--graphql--\r\n"


@pytest.fixture(scope="module")
def gateway(own_graph: Graph, test_output_root: Path) -> Iterator[str]:
    log = test_output_root / "multipart-subscriptions" / "gateway.log"
    env = {
        **gateway_env(own_graph.services),
        "GATEWAY_LOG_LEVEL": "warning",
        "GATEWAY_SUBSCRIPTIONS_MULTIPART_HEARTBEAT": "0.5",
    }
    service = start_gateway(SUPERGRAPH, free_port(), env, log)
    try:
        yield f"{service.url}/graphql"
    finally:
        service.stop()


def test_meros_reads_each_event_as_a_payload_with_federated_fields(
    own_graph: Graph, person: Person, gateway: str
) -> None:
    client = MultipartClient(gateway, person.token, STATUS_POSTED)
    try:
        response = client.next_line()
        assert response == {"event": "response", "status": 200, "contentType": MEDIA_TYPE}
        line, posted = first_event(
            own_graph, person, lambda t: multipart_event(client, t), "multipart"
        )
        assert line["event"] == "part", line
        assert line["json"] is True
        event = line["body"]["payload"]["data"]["statusPosted"]
        assert event["text"] in posted
        assert event["account"]["person"] == {"id": person.id, "displayName": "Test Person"}
        assert "errors" not in line["body"]["payload"]
    finally:
        client.close()


async def _post(gateway: str, query: str, token: str | None, parts: int | None) -> bytes:
    """The raw body of a multipart request: all of it, or its first `parts` chunks."""
    headers = {"Accept": ACCEPT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    timeout = aiohttp.ClientTimeout(total=15)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.post(gateway, json={"query": query}, headers=headers) as response,
    ):
        assert response.status == 200
        assert response.headers["content-type"] == MEDIA_TYPE
        if parts is None:
            return await response.read()
        received = b""
        while received.count(b"--graphql") < parts + 1:
            chunk = await response.content.readany()
            assert chunk, f"the stream ended after {received!r}"
            received += chunk
        return received


def test_a_query_is_one_payload_then_the_close_delimiter(person: Person, gateway: str) -> None:
    body = asyncio.run(_post(gateway, "{ me { id } }", person.token, None))
    assert body == HEAD + b'{"payload":{"data":{"me":{"id":"' + person.id.encode() + b'"}}}}' + END


def test_a_request_that_cannot_run_is_a_transport_error(gateway: str) -> None:
    body = asyncio.run(_post(gateway, STATUS_POSTED, "not-a-token", None))
    assert body.startswith(HEAD + b'{"payload":null,"errors":[{"message":')
    assert b'"code":"UNAUTHENTICATED"' in body
    assert body.endswith(END)
    invalid = asyncio.run(_post(gateway, "subscription { nothingHere }", None, None))
    assert invalid.startswith(HEAD + b'{"payload":null,"errors":')
    assert b"GRAPHQL_VALIDATION_FAILED" in invalid


def test_an_idle_subscription_gets_heartbeats(person: Person, gateway: str) -> None:
    body = asyncio.run(_post(gateway, STATUS_POSTED, person.token, 2))
    assert body == HEAD + b"{}" + HEAD + b"{}" + b"\r\n--graphql"


def _metric(gateway: str, name: str, transport: str) -> float:
    """One sample of the gateway's /metrics (0 when it is not there yet)."""
    text = urllib.request.urlopen(gateway.replace("/graphql", "/metrics"), timeout=15).read()
    prefix = f'{name}{{transport="{transport}"}} '
    for line in text.decode().splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix) :])
    return 0.0


def _none_open(gateway: str) -> None:
    """Wait until no multipart stream is counted as open: the gateway notices a client that
    left when it next writes to it (a heartbeat)."""
    for _ in range(100):
        if _metric(gateway, "gateway_subscriptions_open", "multipart") == 0:
            return
        time.sleep(0.1)
    raise AssertionError("a closed stream is still counted as open")


def test_metrics_count_open_streams_and_their_events(
    own_graph: Graph, person: Person, gateway: str
) -> None:
    events = "gateway_subscription_events_total"
    _none_open(gateway)  # the streams of the tests before
    before = _metric(gateway, events, "multipart")
    client = MultipartClient(gateway, person.token, STATUS_POSTED)
    try:
        assert client.next_line()["status"] == 200
        first_event(own_graph, person, lambda t: multipart_event(client, t), "counted")
        assert _metric(gateway, "gateway_subscriptions_open", "multipart") == 1
        assert _metric(gateway, events, "multipart") > before
    finally:
        client.close()
    _none_open(gateway)
