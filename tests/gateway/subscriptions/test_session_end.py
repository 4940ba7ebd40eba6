"""Open streams end with their token: signed out, or expired, through a real gateway process.

The stack shares a real redis-server: accounts pushes each sign-out on it, the subgraphs and the
gateway follow it (`gateway/subscriptions/revocations.py`). A person signs out while one of their
subscriptions is open: the `graphql-ws` client is closed with 4403, an SSE stream gets an
UNAUTHENTICATED error and `complete`, a multipart stream (read by `meros`) a transport error and
`--graphql--`. A token minted with accounts' own key for a real session but expiring in seconds
ends its streams the same way when it expires, with nothing posted. The gateway acknowledges
each sign-out like every other receiver, so sign-out never waits for it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
import redis

from devstack.event_stream import EventStream
from devstack.processes import free_port
from devstack.redis_server import RedisServer
from devstack.stack import gateway_env, start_gateway
from gateway import revocation_wire as wire
from tests.gateway.security.security_support import SigningKey
from tests.gateway.subscriptions.subscription_support import (
    ROOT,
    STATUS_POSTED,
    MultipartClient,
    WsClient,
    first_event,
    multipart_event,
)
from tests.subgraphs.whatsapp.platform_world import Graph, Person, start_graph, stop_graph

pytestmark = pytest.mark.integration

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
SIGN_OUT = "mutation { signOut }"
EXPIRED = "The token expired: sign in again, then subscribe again."
SIGNED_OUT = "The token was signed out: sign in again, then subscribe again."
SHORT_SECONDS = 8


@dataclass(frozen=True, slots=True)
class Stack:
    graph: Graph
    gateway: str
    redis_url: str


@pytest.fixture(scope="module")
def stack(mongodb_uri: str, test_output_root: Path) -> Iterator[Stack]:
    log_dir = test_output_root / "session-end"
    server = RedisServer(log_dir / "redis.log").start()
    graph = start_graph(mongodb_uri, log_dir, redis_url=server.url)
    env = {
        **gateway_env(graph.services),
        "GATEWAY_LOG_LEVEL": "warning",
        "GATEWAY_REDIS_URL": server.url,
        "GATEWAY_SUBSCRIPTIONS_MULTIPART_HEARTBEAT": "1",
    }
    gateway = start_gateway(SUPERGRAPH, free_port(), env, log_dir / "gateway.log")
    try:
        yield Stack(graph=graph, gateway=f"{gateway.url}/graphql", redis_url=server.url)
    finally:
        gateway.stop()
        stop_graph(graph)
        server.stop()


def _person(graph: Graph) -> Person:
    person = graph.sign_up()
    graph.register_whatsapp(person)
    return person


def _sign_out(graph: Graph, person: Person) -> None:
    assert graph.data("accounts", SIGN_OUT, token=person.token) == {"signOut": True}


def _short_lived(graph: Graph, person: Person) -> str:
    """The person's own session (its `jti`), in a token that expires in a few seconds."""
    claims = jwt.decode(person.token, options={"verify_signature": False})
    key = SigningKey.from_database(graph.mongodb_uri, graph.prefix, claims["jti"])
    return key.token(person.id, scope=claims["scope"], exp=int(time.time()) + SHORT_SECONDS)


def _closed(client: WsClient) -> dict[str, Any]:
    """The client's `closed` line (it may report the end of its subscription first)."""
    for _ in range(5):
        line = client.next_line()
        if line["event"] == "closed":
            return line
    raise AssertionError("the graphql-ws client was not closed")


def test_sign_out_closes_the_websocket_with_4403_and_the_gateway_acknowledges(
    stack: Stack,
) -> None:
    person = _person(stack.graph)
    client = WsClient(stack.gateway, person.token, STATUS_POSTED)
    try:
        assert client.next_line()["event"] == "connected"
        first_event(stack.graph, person, client.try_line, "before signing out")
        _sign_out(stack.graph, person)
        closed = _closed(client)
        assert closed["code"] == 4403
        assert closed["reason"] == "Forbidden: signed out"
    finally:
        client.close()
    jti = jwt.decode(person.token, options={"verify_signature": False})["jti"]
    with redis.Redis.from_url(stack.redis_url) as store:
        receivers = dict(store.pubsub_numsub(wire.CHANNEL))[wire.CHANNEL.encode()]
        acknowledged = int(store.get(wire.ACKS_PREFIX + jti) or 0)
    assert receivers == len(stack.graph.services) + 1  # every subgraph, and the gateway
    assert acknowledged == receivers


def test_sign_out_ends_an_sse_stream_with_an_error_then_complete(stack: Stack) -> None:
    person = _person(stack.graph)
    reader = EventStream(stack.gateway, person.token, STATUS_POSTED)
    try:

        def heard(timeout: float) -> tuple[str, Any] | None:
            try:
                return reader.next_event(timeout)
            except AssertionError:
                return None

        first_event(stack.graph, person, heard, "sse before signing out")
        _sign_out(stack.graph, person)
        event = reader.next_event()
        while event[0] == "next" and "data" in event[1]:
            event = reader.next_event()  # a late event from the posting loop
        kind, body = event
        assert kind == "next"
        assert body["errors"][0]["message"] == SIGNED_OUT
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert reader.next_event() == ("complete", None)
    finally:
        reader.close()


def test_sign_out_ends_a_multipart_stream_with_a_transport_error(stack: Stack) -> None:
    person = _person(stack.graph)
    client = MultipartClient(stack.gateway, person.token, STATUS_POSTED)
    try:
        assert client.next_line()["status"] == 200
        first_event(stack.graph, person, lambda t: multipart_event(client, t), "multipart")
        _sign_out(stack.graph, person)
        part = multipart_event(client, 15.0)
        while part is not None and part["body"].get("payload") is not None:
            part = multipart_event(client, 15.0)  # a late event from the posting loop
        assert part is not None
        assert part["body"]["payload"] is None
        assert part["body"]["errors"][0]["message"] == SIGNED_OUT
        assert client.next_line() == {"event": "end", "closed": True}
    finally:
        client.close()


def test_an_expiring_token_closes_the_websocket_with_4403(stack: Stack) -> None:
    person = _person(stack.graph)
    client = WsClient(stack.gateway, _short_lived(stack.graph, person), STATUS_POSTED)
    try:
        assert client.next_line()["event"] == "connected"
        closed = _closed(client)
        assert closed["code"] == 4403
        assert closed["reason"] == "Forbidden: the token expired"
    finally:
        client.close()


def test_an_expiring_token_ends_an_sse_stream_with_an_error_then_complete(stack: Stack) -> None:
    person = _person(stack.graph)
    reader = EventStream(stack.gateway, _short_lived(stack.graph, person), STATUS_POSTED)
    try:
        kind, body = reader.next_event(SHORT_SECONDS + 15)
        assert kind == "next"
        assert body == {"errors": [{"message": EXPIRED, "extensions": {"code": "UNAUTHENTICATED"}}]}
        assert reader.next_event() == ("complete", None)
    finally:
        reader.close()
