"""Slow clients (slowloris) against a real gateway process: held only until the read deadlines.

Half-sent heads and half-sent bodies are closed with 408 once their deadline passes, never
before it; a client dripping its body a byte at a time is closed by the body's total deadline;
a normal client is answered while the attack goes on; connections beyond the cap are closed at
once; a real subgraph closes half-sent heads at its default deadline too. Everything is on
127.0.0.1 and every wait is bounded.
"""

from __future__ import annotations

import selectors
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devstack.processes import Service, http_ok, launch
from devstack.stack import subgraph_specs
from gateway.http_protocol import ConnectionLimits
from tests.gateway.server.server_support import post_json, start_gateway_process

pytestmark = pytest.mark.integration

HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 3.0
MARGIN = 15.0  # generous: a loaded 2-core machine; the unprotected server held them for minutes
EARLY = 0.2  # timers never fire early; this only absorbs clock granularity
QUERY = {"query": '{ person(id: "1") { name } }'}
HALF_HEAD = b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
HALF_BODY = (
    b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 1000\r\n\r\n" + b'{"query": "{ person(id: '
)


@dataclass
class Attacker:
    """One slow connection: what it sent, what came back, when the server closed it."""

    sock: socket.socket
    opened: float
    received: bytearray = field(default_factory=bytearray)
    closed_after: float | None = None


@pytest.fixture(scope="module")
def limited_gateway(supergraph_file: Path, server_dir: Path) -> Iterator[Service]:
    env = {
        "GATEWAY_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "GATEWAY_BODY_TIMEOUT": str(BODY_TIMEOUT),
    }
    log_path = server_dir / "gateway-slow-clients.log"
    service = start_gateway_process(["--supergraph", str(supergraph_file)], log_path, env)
    try:
        yield service
    finally:
        service.stop()


def _open(port: int, first_bytes: bytes) -> Attacker:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setblocking(False)
    if first_bytes:
        sock.sendall(first_bytes)
    return Attacker(sock=sock, opened=time.monotonic())


def _note_reads(selector: selectors.DefaultSelector, timeout: float) -> None:
    """Read what is ready; an attacker whose socket reached EOF (or was reset) is closed."""
    for key, _ in selector.select(timeout):
        attacker: Attacker = key.data
        try:
            chunk = attacker.sock.recv(4096)
        except BlockingIOError:
            continue
        except ConnectionError:
            chunk = b""
        if chunk:
            attacker.received += chunk
            continue
        attacker.closed_after = time.monotonic() - attacker.opened
        selector.unregister(attacker.sock)


def _wait_closed(attackers: list[Attacker], within: float) -> None:
    """Watch every attacker until the server has closed them all, or `within` seconds pass."""
    selector = selectors.DefaultSelector()
    for attacker in attackers:
        selector.register(attacker.sock, selectors.EVENT_READ, attacker)
    deadline = time.monotonic() + within
    try:
        while selector.get_map() and time.monotonic() < deadline:
            _note_reads(selector, 0.2)
    finally:
        selector.close()


def _close_all(attackers: list[Attacker]) -> None:
    for attacker in attackers:
        attacker.sock.close()


def test_half_sent_requests_are_closed_at_their_deadline_while_others_are_served(
    limited_gateway: Service,
) -> None:
    port = limited_gateway.port
    heads = [_open(port, HALF_HEAD) for _ in range(100)]
    bodies = [_open(port, HALF_BODY) for _ in range(100)]
    try:
        during = [post_json(port, QUERY) for _ in range(5)]  # well inside the deadlines
        assert [reply.status for reply in during] == [200] * 5
        assert all(
            reply.json() == {"data": {"person": {"name": "Ada Lovelace"}}} for reply in during
        )
        _wait_closed(heads + bodies, BODY_TIMEOUT + MARGIN)
    finally:
        _close_all(heads + bodies)
    for group, limit in ((heads, HEADER_TIMEOUT), (bodies, BODY_TIMEOUT)):
        times = [attacker.closed_after for attacker in group]
        assert None not in times, f"{times.count(None)} of 100 still open"
        assert min(t for t in times if t is not None) >= limit - EARLY
        assert all(a.received.startswith(b"HTTP/1.1 408 ") for a in group)


def test_a_body_dripped_byte_by_byte_is_closed_by_the_total_body_deadline(
    limited_gateway: Service,
) -> None:
    drip = _open(limited_gateway.port, HALF_BODY)
    sent = 0
    try:
        deadline = time.monotonic() + BODY_TIMEOUT + MARGIN
        while drip.closed_after is None and time.monotonic() < deadline:
            try:
                drip.sock.send(b" ")  # far less than the 1000 bytes announced
                sent += 1
            except (BlockingIOError, ConnectionError):
                pass
            _wait_closed([drip], 0.3)
    finally:
        drip.sock.close()
    assert drip.closed_after is not None, "a dripping client kept its connection"
    assert drip.closed_after >= BODY_TIMEOUT - EARLY
    assert sent >= 5  # it kept sending, so an idle timeout alone would never have fired
    assert drip.received.startswith(b"HTTP/1.1 408 ")


def test_connections_beyond_the_cap_are_closed_at_once(
    supergraph_file: Path, server_dir: Path
) -> None:
    env = {"GATEWAY_MAX_CONNECTIONS": "20", "GATEWAY_HEADER_TIMEOUT": "30"}
    log_path = server_dir / "gateway-capped.log"
    gateway = start_gateway_process(["--supergraph", str(supergraph_file)], log_path, env)
    idle: list[Attacker] = []
    try:
        idle = [_open(gateway.port, b"") for _ in range(30)]
        _wait_closed(idle, 5.0)  # far below the 30 s head deadline
        closed = [attacker for attacker in idle if attacker.closed_after is not None]
        assert len(closed) == 10
        _close_all(idle)
        deadline = time.monotonic() + MARGIN
        while post_json(gateway.port, QUERY).status != 200 and time.monotonic() < deadline:
            time.sleep(0.2)  # the server notices the closed sockets on its next read
        assert post_json(gateway.port, QUERY).status == 200
    finally:
        _close_all(idle)
        gateway.stop()


def test_a_subgraph_closes_half_sent_heads_at_its_default_deadline(
    mongodb_uri: str, db_prefix: str, server_dir: Path
) -> None:
    """The subgraphs run on the same protocol, with the default limits (10 s for a head)."""
    spec = next(
        s for s in subgraph_specs(mongodb_uri, db_prefix, server_dir) if s.name == "accounts"
    )
    accounts = launch(spec)
    heads: list[Attacker] = []
    try:
        heads = [_open(accounts.port, HALF_HEAD) for _ in range(20)]
        assert http_ok(f"{accounts.url}/health")()  # answered during the attack
        _wait_closed(heads, ConnectionLimits().header_timeout + MARGIN)
    finally:
        _close_all(heads)
        accounts.stop()
    times = [attacker.closed_after for attacker in heads]
    assert None not in times, f"{times.count(None)} of 20 still open"
    assert min(t for t in times if t is not None) >= ConnectionLimits().header_timeout - EARLY
    assert all(a.received.startswith(b"HTTP/1.1 408 ") for a in heads)
