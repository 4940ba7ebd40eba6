"""HttpTransport against a real HTTP server on 127.0.0.1: failures become values, dedup works."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from aiohttp import web

from gateway.transports import (
    HttpTransport,
    HttpTransportOptions,
    SubgraphFailure,
    SubgraphRequest,
    SubgraphResponse,
)

pytestmark = pytest.mark.integration


class Upstream:
    """A fake subgraph with one route per behaviour; counts requests and keeps headers."""

    def __init__(self) -> None:
        self.count = 0
        self.headers: list[dict[str, str]] = []
        self.bodies: list[Any] = []

    async def ok(self, request: web.Request) -> web.Response:
        self.count += 1
        self.headers.append(dict(request.headers))
        self.bodies.append(orjson.loads(await request.read()))
        await asyncio.sleep(0.2)
        return web.Response(body=orjson.dumps({"data": {"x": 1}}), content_type="application/json")

    async def status_500(self, request: web.Request) -> web.Response:
        return web.Response(status=500, text="Internal Server Error")

    async def graphql_500(self, request: web.Request) -> web.Response:
        body = orjson.dumps({"errors": [{"message": "db down"}], "data": None})
        return web.Response(status=500, body=body, content_type="application/json")

    async def html(self, request: web.Request) -> web.Response:
        return web.Response(text="<html>oops</html>", content_type="text/html")

    async def garbage(self, request: web.Request) -> web.Response:
        return web.Response(body=b"[1, 2]", content_type="application/json")

    async def flaky(self, request: web.Request) -> web.Response:
        """Drops the connection on every other request, like a server closing an idle one."""
        self.count += 1
        if self.count % 2 == 1:
            assert request.transport is not None
            request.transport.close()
        return web.Response(body=orjson.dumps({"data": {"x": 2}}), content_type="application/json")

    async def moved(self, request: web.Request) -> web.Response:
        """Like Starlette's `Mount("/graphql")`: `/graphql` answers 307 to `/graphql/`."""
        return web.Response(status=307, headers={"location": "/ok"})

    async def elsewhere(self, request: web.Request) -> web.Response:
        return web.Response(status=308, headers={"location": "http://localhost:9/graphql"})

    async def loop(self, request: web.Request) -> web.Response:
        self.count += 1
        return web.Response(status=307, headers={"location": "/loop"})

    async def hang(self, request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response(text="late")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def upstream() -> AsyncIterator[tuple[Upstream, str]]:
    state = Upstream()
    app = web.Application()
    app.router.add_post("/ok", state.ok)
    app.router.add_post("/500", state.status_500)
    app.router.add_post("/graphql500", state.graphql_500)
    app.router.add_post("/html", state.html)
    app.router.add_post("/garbage", state.garbage)
    app.router.add_post("/hang", state.hang)
    app.router.add_post("/flaky", state.flaky)
    app.router.add_post("/moved", state.moved)
    app.router.add_post("/elsewhere", state.elsewhere)
    app.router.add_post("/loop", state.loop)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield state, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def transport(upstream: tuple[Upstream, str]) -> AsyncIterator[HttpTransport]:
    _, base = upstream
    names = ["ok", "500", "graphql500", "html", "garbage", "hang", "flaky"]
    names += ["moved", "elsewhere", "loop"]
    urls = {name: f"{base}/{name}" for name in names}
    urls["refused"] = f"http://127.0.0.1:{free_port()}/graphql"
    options = HttpTransportOptions(urls=urls, default_timeout=5.0, timeouts={"hang": 0.5})
    http = HttpTransport(options)
    await http.start()
    try:
        yield http
    finally:
        await http.close()


QUERY = SubgraphRequest(query="{x}", headers={"authorization": "Bearer a"})


async def test_answer_and_forwarded_headers(
    transport: HttpTransport, upstream: tuple[Upstream, str]
) -> None:
    state, _ = upstream
    result = await transport.fetch("ok", QUERY)
    assert result == SubgraphResponse(data={"x": 1})
    assert state.headers[0]["Authorization"] == "Bearer a"
    assert state.bodies[0] == {"query": "{x}"}


async def test_identical_in_flight_queries_share_one_request(
    transport: HttpTransport, upstream: tuple[Upstream, str]
) -> None:
    state, _ = upstream
    results = await asyncio.gather(*(transport.fetch("ok", QUERY) for _ in range(5)))
    assert all(r == SubgraphResponse(data={"x": 1}) for r in results)
    assert state.count == 1
    other = SubgraphRequest(query="{x}", headers={"authorization": "Bearer b"})
    await asyncio.gather(transport.fetch("ok", QUERY), transport.fetch("ok", other))
    assert state.count == 3  # different forwarded headers are different requests


async def test_a_cancelled_first_caller_does_not_cancel_the_others(
    transport: HttpTransport, upstream: tuple[Upstream, str]
) -> None:
    state, _ = upstream
    first = asyncio.create_task(transport.fetch("ok", QUERY))
    await asyncio.sleep(0.05)  # the shared request is on its way
    second = asyncio.create_task(transport.fetch("ok", QUERY))
    await asyncio.sleep(0.05)
    first.cancel()  # its client went away
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await second == SubgraphResponse(data={"x": 1})
    assert state.count == 1


async def test_shared_requests_give_each_waiter_its_own_dicts(
    transport: HttpTransport, upstream: tuple[Upstream, str]
) -> None:
    """The executor mutates what it merges, so waiters must never share decoded dicts."""
    state, _ = upstream
    first, second = await asyncio.gather(transport.fetch("ok", QUERY), transport.fetch("ok", QUERY))
    assert state.count == 1  # still one HTTP call
    assert isinstance(first, SubgraphResponse)
    assert isinstance(second, SubgraphResponse)
    assert first.data is not None
    assert second.data is not None
    assert first.data is not second.data
    first.data["x"] = "written by one client request"
    first.data["extra"] = {"alias": 1}
    assert second.data == {"x": 1}


async def test_shared_error_answers_give_each_waiter_its_own_errors(
    transport: HttpTransport,
) -> None:
    results = await asyncio.gather(*(transport.fetch("graphql500", QUERY) for _ in range(2)))
    first, second = results
    assert isinstance(first, SubgraphResponse)
    assert isinstance(second, SubgraphResponse)
    assert first.errors[0] is not second.errors[0]
    first.errors[0]["path"] = ["mutated"]
    assert second.errors == ({"message": "db down"},)


async def test_mutations_are_never_shared(
    transport: HttpTransport, upstream: tuple[Upstream, str]
) -> None:
    state, _ = upstream
    mutation = SubgraphRequest(query="mutation{x}", is_mutation=True)
    await asyncio.gather(*(transport.fetch("ok", mutation) for _ in range(3)))
    assert state.count == 3


@pytest.mark.parametrize(
    ("service", "code", "words"),
    [
        ("500", "SUBREQUEST_HTTP_ERROR", "500"),
        ("html", "SUBREQUEST_MALFORMED_RESPONSE", "not JSON"),
        ("garbage", "SUBREQUEST_MALFORMED_RESPONSE", "malformed"),
        ("hang", "SUBREQUEST_TIMEOUT", "0.5s"),
        ("refused", "SUBREQUEST_HTTP_ERROR", "HTTP fetch failed"),
        ("unknown", "SUBREQUEST_HTTP_ERROR", "No URL"),
    ],
)
async def test_failures_are_values(
    transport: HttpTransport, service: str, code: str, words: str
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await transport.fetch(service, QUERY)
    assert isinstance(result, SubgraphFailure)
    assert result.code == code
    assert words in result.message
    assert f"'{service}'" in result.message
    assert loop.time() - started < 3


async def test_graphql_errors_in_a_500_are_kept(transport: HttpTransport) -> None:
    result = await transport.fetch("graphql500", QUERY)
    assert result == SubgraphResponse(data=None, errors=({"message": "db down"},))


async def test_a_dropped_connection_is_retried_once_for_queries(
    transport: HttpTransport, upstream: tuple[Upstream, str]
) -> None:
    state, _ = upstream
    assert await transport.fetch("flaky", QUERY) == SubgraphResponse(data={"x": 2})
    assert state.count == 2
    mutation = SubgraphRequest(query="mutation{x}", is_mutation=True)
    result = await transport.fetch("flaky", mutation)
    assert isinstance(result, SubgraphFailure)
    assert result.code == "SUBREQUEST_HTTP_ERROR"
    assert state.count == 3


async def test_a_timeout_leaves_the_task_without_a_pending_cancellation(
    transport: HttpTransport,
) -> None:
    async def fetch_and_count() -> tuple[object, int]:
        result = await transport.fetch("hang", QUERY)
        task = asyncio.current_task()
        assert task is not None
        await asyncio.sleep(0)  # a cancellation left pending would surface here
        return result, task.cancelling()

    result, cancelling = await asyncio.create_task(fetch_and_count())
    assert isinstance(result, SubgraphFailure)
    assert result.code == "SUBREQUEST_TIMEOUT"
    assert cancelling == 0


async def test_a_cancelled_fetch_stays_cancelled_not_timed_out(
    transport: HttpTransport,
) -> None:
    task = asyncio.create_task(transport.fetch("hang", QUERY))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_each_request_keeps_its_own_deadline(transport: HttpTransport) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    slow, quick = await asyncio.gather(
        transport.fetch("hang", QUERY),
        transport.fetch("ok", SubgraphRequest(query="{y}")),
    )
    assert isinstance(slow, SubgraphFailure)
    assert slow.code == "SUBREQUEST_TIMEOUT"
    assert quick == SubgraphResponse(data={"x": 1})
    assert 0.5 <= loop.time() - started < 1.5  # the 0.5 s deadline, give or take a sweep


async def test_our_headers_and_forwarded_ones(
    transport: HttpTransport, upstream: tuple[Upstream, str]
) -> None:
    state, _ = upstream
    await transport.fetch("ok", SubgraphRequest(query="{plain}"))
    forwarded = {"user-agent": "client/1.0", "accept": "text/html", "authorization": "Bearer a"}
    await transport.fetch("ok", SubgraphRequest(query="{fwd}", headers=forwarded))
    plain, sent = state.headers
    assert plain["Accept-Encoding"] == "identity"  # answers come uncompressed
    assert plain["Content-Type"] == "application/json"
    assert "Authorization" not in plain
    assert sent["User-Agent"] == "client/1.0"  # a forwarded header wins over our default
    assert sent["Accept"] == "application/graphql-response+json, application/json"
    assert sent["Authorization"] == "Bearer a"


async def test_deadlines_hold_for_unshared_fetches_started_together(
    upstream: tuple[Upstream, str],
) -> None:
    """The executor starts Parallel children eagerly, inside its own task: each subgraph
    request must still get its own deadline, and one timing out must not cancel the others."""
    from gateway.executor.execute import _parallel

    _, base = upstream
    urls = {"ok": f"{base}/ok", "hang": f"{base}/hang"}
    options = HttpTransportOptions(urls=urls, timeouts={"hang": 0.3}, deduplicate=False)
    http = HttpTransport(options)
    await http.start()
    results: dict[str, Any] = {}

    async def fetch(name: str) -> None:
        results[name] = await http.fetch(name, QUERY)

    try:
        await asyncio.wait_for(_parallel([fetch("hang"), fetch("ok")]), timeout=5)
    finally:
        await http.close()
    assert results["ok"] == SubgraphResponse(data={"x": 1})
    assert isinstance(results["hang"], SubgraphFailure)
    assert results["hang"].code == "SUBREQUEST_TIMEOUT"


async def test_same_origin_redirect_is_followed_with_method_body_and_headers(
    transport: HttpTransport, upstream: tuple[Upstream, str]
) -> None:
    state, _ = upstream
    result = await transport.fetch("moved", QUERY)
    assert isinstance(result, SubgraphResponse)
    assert result.data == {"x": 1}
    assert state.bodies == [{"query": "{x}"}]
    assert state.headers[0]["Authorization"] == "Bearer a"


async def test_redirect_to_another_origin_is_not_followed(transport: HttpTransport) -> None:
    result = await transport.fetch("elsewhere", QUERY)
    assert isinstance(result, SubgraphFailure)
    assert result.code == "SUBREQUEST_HTTP_ERROR"
    assert "another origin" in result.message


async def test_redirect_loop_stops(
    transport: HttpTransport, upstream: tuple[Upstream, str]
) -> None:
    state, _ = upstream
    result = await transport.fetch("loop", QUERY)
    assert isinstance(result, SubgraphFailure)
    assert "307" in result.message
    assert state.count == 4  # the request and three redirects
