"""Breaker, retries, budget, connection cap and connect timeout of the HTTP transport, against
a real HTTP server on 127.0.0.1 that counts what reaches it."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator

import orjson
import pytest
from aiohttp import web

from gateway.transports import (
    REQUEST_DEADLINE,
    BreakerSettings,
    HttpTransport,
    HttpTransportOptions,
    RetrySettings,
    SubgraphFailure,
    SubgraphPolicy,
    SubgraphRequest,
    SubgraphResponse,
)

pytestmark = pytest.mark.integration

QUERY = SubgraphRequest(query="{x}")
MUTATION = SubgraphRequest(query="mutation{x}", is_mutation=True)
NO_BREAKER = BreakerSettings(consecutive_failures=0, failure_rate=0)
OK = orjson.dumps({"data": {"x": 1}})


class Upstream:
    """Answers by route; `failing` routes answer 503 while set, `fail_every_other` alternates."""

    def __init__(self) -> None:
        self.count = 0
        self.failing = True
        self.active = 0
        self.most_active = 0

    async def unavailable(self, request: web.Request) -> web.Response:
        self.count += 1
        if self.failing:
            return web.Response(status=503, text="down")
        return web.Response(body=OK, content_type="application/json")

    async def every_other(self, request: web.Request) -> web.Response:
        self.count += 1
        if self.count % 2 == 1:
            return web.Response(status=503, text="down")
        return web.Response(body=OK, content_type="application/json")

    async def outage(self, request: web.Request) -> web.Response:
        """A subgraph whose database is down: 503 with a GraphQL error saying so."""
        self.count += 1
        error = {"message": "db down", "extensions": {"code": "SERVICE_UNAVAILABLE"}}
        body = orjson.dumps({"errors": [error], "data": None})
        return web.Response(status=503, body=body, content_type="application/json")

    async def broken(self, request: web.Request) -> web.Response:
        self.count += 1
        return web.Response(status=500, text="bug")

    async def slow(self, request: web.Request) -> web.Response:
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        await asyncio.sleep(0.1)
        self.active -= 1
        return web.Response(body=OK, content_type="application/json")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def upstream() -> AsyncIterator[tuple[Upstream, str]]:
    state = Upstream()
    app = web.Application()
    app.router.add_post("/unavailable", state.unavailable)
    app.router.add_post("/every-other", state.every_other)
    app.router.add_post("/broken", state.broken)
    app.router.add_post("/outage", state.outage)
    app.router.add_post("/slow", state.slow)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield state, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def _transport(url: str, policy: SubgraphPolicy) -> HttpTransport:
    options = HttpTransportOptions(urls={"s": url}, policies={"s": policy}, deduplicate=False)
    http = HttpTransport(options)
    await http.start()
    return http


async def test_a_query_is_retried_after_a_503_and_answered(
    upstream: tuple[Upstream, str],
) -> None:
    state, base = upstream
    http = await _transport(f"{base}/every-other", SubgraphPolicy(breaker=NO_BREAKER))
    try:
        assert await http.fetch("s", QUERY) == SubgraphResponse(data={"x": 1})
    finally:
        await http.close()
    assert state.count == 2


async def test_a_mutation_is_never_retried(upstream: tuple[Upstream, str]) -> None:
    state, base = upstream
    http = await _transport(f"{base}/every-other", SubgraphPolicy(breaker=NO_BREAKER))
    try:
        result = await http.fetch("s", MUTATION)
    finally:
        await http.close()
    assert isinstance(result, SubgraphFailure)
    assert state.count == 1


async def test_a_500_is_not_retried(upstream: tuple[Upstream, str]) -> None:
    state, base = upstream
    http = await _transport(f"{base}/broken", SubgraphPolicy(breaker=NO_BREAKER))
    try:
        assert isinstance(await http.fetch("s", QUERY), SubgraphFailure)
    finally:
        await http.close()
    assert state.count == 1


async def test_a_503_with_graphql_errors_passes_through_unretried_and_uncounted(
    upstream: tuple[Upstream, str],
) -> None:
    state, base = upstream
    policy = SubgraphPolicy(breaker=BreakerSettings(consecutive_failures=1))
    http = await _transport(f"{base}/outage", policy)
    try:
        for _ in range(3):
            result = await http.fetch("s", QUERY)
            assert isinstance(result, SubgraphResponse)
            assert result.errors[0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert http.breaker_states() == {"s": "closed"}
    finally:
        await http.close()
    assert state.count == 3


async def test_the_retry_budget_caps_retries(upstream: tuple[Upstream, str]) -> None:
    state, base = upstream
    retry = RetrySettings(max_retries=2, budget_ratio=0.0, min_per_second=1, budget_window=5.0)
    http = await _transport(f"{base}/unavailable", SubgraphPolicy(breaker=NO_BREAKER, retry=retry))
    try:
        for _ in range(10):
            assert isinstance(await http.fetch("s", QUERY), SubgraphFailure)
    finally:
        await http.close()
    assert state.count == 10 + 5  # every request once, and the 5 retries of the reserve


async def test_no_retry_starts_past_the_request_deadline(upstream: tuple[Upstream, str]) -> None:
    state, base = upstream
    http = await _transport(f"{base}/unavailable", SubgraphPolicy(breaker=NO_BREAKER))
    token = REQUEST_DEADLINE.set(asyncio.get_running_loop().time() + 0.01)
    try:
        assert isinstance(await http.fetch("s", QUERY), SubgraphFailure)
    finally:
        REQUEST_DEADLINE.reset(token)
        await http.close()
    assert state.count == 1


async def test_an_open_circuit_fails_at_once_without_a_request_then_a_probe_closes_it(
    upstream: tuple[Upstream, str],
) -> None:
    state, base = upstream
    breaker = BreakerSettings(consecutive_failures=3, cooldown=0.3)
    policy = SubgraphPolicy(breaker=breaker, retry=RetrySettings(max_retries=0))
    http = await _transport(f"{base}/unavailable", policy)
    try:
        for _ in range(3):
            assert isinstance(await http.fetch("s", QUERY), SubgraphFailure)
        started = time.monotonic()
        refused = await http.fetch("s", QUERY)
        assert time.monotonic() - started < 0.05
        assert isinstance(refused, SubgraphFailure)
        assert refused.code == "SUBGRAPH_CIRCUIT_OPEN"
        assert state.count == 3  # no network call
        assert http.breaker_states() == {"s": "open"}
        await asyncio.sleep(0.35)
        state.failing = False
        assert await http.fetch("s", QUERY) == SubgraphResponse(data={"x": 1})  # the probe
        assert http.breaker_states() == {"s": "closed"}
    finally:
        await http.close()
    assert state.count == 4


async def test_connections_to_one_subgraph_are_capped(upstream: tuple[Upstream, str]) -> None:
    state, base = upstream
    http = await _transport(f"{base}/slow", SubgraphPolicy(max_connections=2))
    try:
        results = await asyncio.gather(*(http.fetch("s", QUERY) for _ in range(6)))
    finally:
        await http.close()
    assert all(result == SubgraphResponse(data={"x": 1}) for result in results)
    assert state.most_active == 2


@pytest.fixture
def blackhole() -> Iterator[int]:
    """A port whose accept queue is full: the kernel drops new SYNs, so connecting hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = int(server.getsockname()[1])
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.1)
    try:
        yield port
    finally:
        for filler in fillers:
            filler.close()
        server.close()


async def test_the_connect_timeout_bounds_opening_a_connection(blackhole: int) -> None:
    policy = SubgraphPolicy(connect_timeout=0.2, timeout=5.0, retry=RetrySettings(max_retries=0))
    http = await _transport(f"http://127.0.0.1:{blackhole}/graphql", policy)
    started = time.monotonic()
    try:
        result = await http.fetch("s", QUERY)
    finally:
        await http.close()
    assert isinstance(result, SubgraphFailure)
    assert "no connection within 0.2s" in result.message
    assert time.monotonic() - started < 1.0
