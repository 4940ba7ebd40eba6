"""The HTTP/1.1 client against hostile and unusual servers, over real sockets on 127.0.0.1.

Each server is a raw asyncio server that reads one request at a time and writes exactly the
bytes a test scripts: chunked bodies, `Connection: close`, bodies ended by closing, answers
sent in slow pieces, oversized answers, resets before and during the answer, garbage, and data
nobody asked for.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
import uvloop

from gateway.transports.http1 import (
    Answer,
    Http1Pool,
    HttpClientError,
    Origin,
    StaleConnection,
    header_block,
)

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "Server"], Awaitable[None]]
HEADERS = header_block([("content-type", "application/json")])
OK_BODY = b'{"data":{"x":1}}'


def ok(body: bytes = OK_BODY, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n%s\r\n%s" % (len(body), extra, body)


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return head + await reader.readexactly(length)


@dataclass
class Server:
    script: Script
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    url: str = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.script(reader, writer, self)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Script], Awaitable[Server]]]:
    servers: list[asyncio.Server] = []

    async def start(script: Script) -> Server:
        state = Server(script)
        server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        state.url = f"http://127.0.0.1:{port}/graphql"
        return state

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def answering(*answers: bytes) -> Script:
    """A script that answers each request on a connection with the next of `answers`."""

    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        for answer in answers:
            s.requests.append(await read_request(r))
            w.write(answer)
            await w.drain()
        await r.read()  # keep the connection open until the client closes it

    return script


async def post(pool: Http1Pool, server: Server, body: bytes = b"{}") -> Answer:
    return await pool.post(Origin.parse(server.url), HEADERS, body)


async def test_keep_alive_reuses_one_connection(
    serve: Callable[[Script], Awaitable[Server]],
) -> None:
    server = await serve(await answering(ok(), ok(b'{"data":{"x":2}}')))
    pool = Http1Pool()
    assert (await post(pool, server)).body == OK_BODY
    assert (await post(pool, server, b'{"q":1}')).body == b'{"data":{"x":2}}'
    assert server.connections == 1
    first, second = server.requests
    assert first.startswith(b"POST /graphql HTTP/1.1\r\nhost: 127.0.0.1:")
    assert b"content-length: 7\r\n" in second
    assert second.endswith(b'{"q":1}')
    pool.close()


async def test_a_chunked_body_is_assembled(serve: Callable[[Script], Awaitable[Server]]) -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
        b'5\r\n{"dat\r\n6\r\na":{"x\r\n5\r\n":1}}\r\n0\r\n\r\n'
    )
    server = await serve(await answering(chunked, ok()))
    pool = Http1Pool()
    assert (await post(pool, server)).body == OK_BODY
    assert (await post(pool, server)).body == OK_BODY
    assert server.connections == 1
    pool.close()


async def test_connection_close_is_honoured(serve: Callable[[Script], Awaitable[Server]]) -> None:
    server = await serve(await answering(ok(extra=b"connection: close\r\n")))
    pool = Http1Pool()
    assert (await post(pool, server)).body == OK_BODY
    assert (await post(pool, server)).body == OK_BODY
    assert server.connections == 2  # the closed connection was not reused
    pool.close()


async def test_a_body_ended_by_closing_the_connection(
    serve: Callable[[Script], Awaitable[Server]],
) -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await read_request(r)
        w.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n" + OK_BODY)
        await w.drain()

    server = await serve(script)
    pool = Http1Pool()
    assert (await post(pool, server)).body == OK_BODY
    pool.close()


async def test_a_slow_answer_in_pieces(serve: Callable[[Script], Awaitable[Server]]) -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await read_request(r)
        for piece in (ok()[:10], ok()[10:30], ok()[30:]):
            w.write(piece)
            await w.drain()
            await asyncio.sleep(0.05)
        await r.read()

    server = await serve(script)
    pool = Http1Pool()
    answer = await post(pool, server)
    assert (answer.status, answer.reason, answer.body) == (200, "OK", OK_BODY)
    pool.close()


async def test_an_oversized_answer_is_refused(
    serve: Callable[[Script], Awaitable[Server]],
) -> None:
    big = b"x" * 5000
    chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
    chunked += b"".join(b"3e8\r\n" + b"y" * 1000 + b"\r\n" for _ in range(5)) + b"0\r\n\r\n"
    for answer in (ok(big), chunked):
        server = await serve(await answering(answer))
        pool = Http1Pool(max_body_bytes=4096)
        with pytest.raises(HttpClientError, match="larger than 4096 bytes"):
            await post(pool, server)
        pool.close()


async def test_resets_before_and_during_the_answer(
    serve: Callable[[Script], Awaitable[Server]],
) -> None:
    async def before(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await read_request(r)
        w.transport.abort()

    async def during(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await read_request(r)
        w.write(ok()[:-5])
        await w.drain()
        w.transport.abort()

    pool = Http1Pool()
    with pytest.raises(StaleConnection):  # nothing arrived: a query may be sent again
        await post(pool, await serve(before))
    with pytest.raises(HttpClientError) as raised:
        await post(pool, await serve(during))
    assert not isinstance(raised.value, StaleConnection)  # part arrived: never resent
    pool.close()


async def test_garbage_is_a_malformed_answer(serve: Callable[[Script], Awaitable[Server]]) -> None:
    server = await serve(await answering(b"SMTP ready\r\n\r\n"))
    pool = Http1Pool()
    with pytest.raises(HttpClientError, match="malformed HTTP answer"):
        await post(pool, server)
    pool.close()


async def test_refused_connections_fail_at_once() -> None:
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    pool = Http1Pool()
    with pytest.raises(HttpClientError, match="cannot connect"):
        await pool.post(Origin.parse(f"http://127.0.0.1:{port}/graphql"), HEADERS, b"{}")
    pool.close()


async def test_a_cancelled_request_never_leaves_its_late_answer_behind(
    serve: Callable[[Script], Awaitable[Server]],
) -> None:
    async def script(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            request = await read_request(r)
            if request.endswith(b"slow"):
                await asyncio.sleep(0.3)
                w.write(ok(b'{"data":{"late":true}}'))
            else:
                w.write(ok())
            await w.drain()

    server = await serve(script)
    pool = Http1Pool()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(post(pool, server, b"slow"), 0.05)
    assert (await post(pool, server)).body == OK_BODY
    assert server.connections == 2  # the cancelled request's connection was closed
    pool.close()


async def test_idle_connections_expire_and_unsolicited_data_closes_one(
    serve: Callable[[Script], Awaitable[Server]],
) -> None:
    async def chatty(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await read_request(r)
        w.write(ok())
        await w.drain()
        await asyncio.sleep(0.05)
        w.write(ok(b'{"data":{"unasked":true}}'))  # an answer to nothing
        await w.drain()
        while True:
            await read_request(r)
            w.write(ok(b'{"data":{"wrong":true}}'))

    server = await serve(chatty)
    pool = Http1Pool()
    await post(pool, server)
    await asyncio.sleep(0.15)
    second = await post(pool, server)
    assert server.connections == 2
    assert second.body == OK_BODY

    quiet = await serve(await answering(ok(), ok()))
    pool = Http1Pool(idle_seconds=0.05)
    await post(pool, quiet)
    await asyncio.sleep(0.1)
    await post(pool, quiet)
    assert quiet.connections == 2  # the idle one had expired
    pool.close()


async def test_header_values_cannot_inject_lines() -> None:
    with pytest.raises(HttpClientError, match="line break"):
        header_block([("authorization", "Bearer a\r\nx-admin: yes")])
    with pytest.raises(HttpClientError, match="line break"):
        header_block([("x-a\nb", "1")])
    assert header_block([("a", "1"), ("b", "2")]) == b"a: 1\r\nb: 2\r\n"


def test_origins_parse_ports_paths_and_schemes() -> None:
    origin = Origin.parse("http://127.0.0.1:4001/graphql?x=1")
    assert (origin.host, origin.port, origin.tls) == ("127.0.0.1", 4001, False)
    assert origin.head == b"POST /graphql?x=1 HTTP/1.1\r\nhost: 127.0.0.1:4001\r\n"
    secure = Origin.parse("https://subgraph.internal/")
    assert (secure.port, secure.tls) == (443, True)
    assert secure.head.endswith(b"host: subgraph.internal\r\n")
    with pytest.raises(ValueError, match="not an http"):
        Origin.parse("ftp://x/")


def test_the_same_under_uvloop() -> None:
    """The gateway serves on uvloop, whose transports are not asyncio's own classes."""

    async def scenario() -> tuple[bytes, bytes, int]:
        state = Server(await answering(ok(), ok(b'{"data":{"x":2}}')))
        server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
        origin = Origin.parse(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql")
        pool = Http1Pool()
        try:
            first = await pool.post(origin, HEADERS, b"{}")
            second = await pool.post(origin, HEADERS, b"{}")
        finally:
            pool.close()
            server.close()
        return first.body, second.body, state.connections

    assert uvloop.run(scenario()) == (OK_BODY, b'{"data":{"x":2}}', 1)
