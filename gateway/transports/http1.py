"""A small keep-alive HTTP/1.1 client for subgraph POSTs: asyncio protocols and httptools.

Why not a general client: the gateway makes several subgraph requests per client request (seven
for the standard benchmark query), all the same shape (a POST of a JSON body to a few known
origins, the whole answer read into memory). Measured per request on one pinned core against a
local server (`benchmarks/` notes, 2026-12-04): aiohttp, tuned as the transport used it, 84 us of
CPU; pyreqwest (Rust reqwest) 30 us; aiosonic 136 us; this client about 8-12 us. At seven
requests per query that is most of the gap to the peers. What it leaves out on purpose:
redirects, cookies, proxies, compression, streaming and HTTP/2.

Parsing is httptools (the llhttp parser uvicorn uses), so chunked bodies, `Connection: close`,
bodies delimited by the connection closing, and malformed answers are handled by a well-kept
parser, not here. What this module owns is the connection life cycle:

- one request at a time per connection; idle connections are kept per origin (newest first) and
  closed after `idle_seconds`, which stays below the usual server keep-alive (uvicorn and Node
  close after 5 s), so a reused connection is rarely one the server is closing;
- a connection that closes before any byte of the answer arrived raises `StaleConnection`
  (the request may be sent again if it is safe to, as queries are); any other failure raises
  `HttpClientError` and the connection is dropped, never reused mid-answer;
- answers above `max_body_bytes` are refused as they stream in, not after;
- a cancelled request (a deadline) closes its connection, since its answer may still come.

Header names and values are checked for CR and LF, so a forwarded header can never inject
another header or request.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import httptools

__all__ = [
    "Answer",
    "ConnectFailed",
    "ConnectionLost",
    "Http1Pool",
    "HttpClientError",
    "Origin",
    "StaleConnection",
]

DEFAULT_IDLE_SECONDS = 4.0
DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024


class HttpClientError(Exception):
    """The request failed: no connection, a reset, an oversized or malformed answer."""


class StaleConnection(HttpClientError):
    """The connection closed before any of the answer arrived (safe to resend a query).

    Usually a pooled connection the server closed as idle just as it was reused.
    """


class ConnectFailed(HttpClientError):
    """No connection could be opened (refused, unreachable, or the connect timeout passed), so
    the subgraph never saw the request."""


class ConnectionLost(HttpClientError):
    """The connection closed or was reset while the answer was arriving."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A complete HTTP answer."""

    status: int
    reason: str | None
    body: bytes
    location: str | None = None  # the Location header, kept for redirects
    cache_control: str | None = None  # kept for the entity cache (`gateway/caching/`)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where to connect, and the fixed start of every request sent there."""

    host: str
    port: int
    tls: bool
    head: bytes  # request line and Host header

    @classmethod
    def parse(cls, url: str) -> Origin:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default = port == (443 if tls else 80)
        host = parts.hostname if default else f"{parts.hostname}:{port}"
        if ":" in parts.hostname:  # IPv6 literal
            host = f"[{parts.hostname}]" + ("" if default else f":{port}")
        head = f"POST {target} HTTP/1.1\r\nhost: {host}\r\n".encode("ascii")
        return cls(parts.hostname, port, tls, head)


def header_block(headers: Iterable[tuple[str, str]]) -> bytes:
    """`name: value` lines for `headers`; CR or LF anywhere is refused (no injection)."""
    lines = []
    for name, value in headers:
        line = f"{name}: {value}\r\n"
        if "\n" in line[:-2] or "\r" in line[:-2]:
            raise HttpClientError(f"header {name!r} contains a line break")
        lines.append(line)
    return "".join(lines).encode("latin-1")


class _Connection(asyncio.Protocol):
    """One TCP connection, one request at a time; `httptools` calls the `on_*` methods."""

    def __init__(self, max_body_bytes: int) -> None:
        self._max_body = max_body_bytes
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[Answer] | None = None
        self._chunks: list[bytes] = []
        self._size = 0
        self._reason: str | None = None
        self._location: str | None = None
        self._cache_control: str | None = None
        self._received = False
        self._headers_done = False
        self._framed = False  # Content-Length or Transfer-Encoding: else the body ends at EOF
        self.closed = False
        self.idle_since = 0.0

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:  # nothing was asked: a broken or hostile server
            self.close()
            return
        self._received = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(HttpClientError("the subgraph switched protocols"))
        except httptools.HttpParserError as error:
            self._fail(HttpClientError(f"malformed HTTP answer ({error})"))

    def eof_received(self) -> bool:
        if self._waiter is not None and self._headers_done and not self._framed:
            self.on_message_complete()  # a body delimited by the connection closing ends here
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            if not self._received:
                self._fail(StaleConnection("the subgraph closed the connection without answering"))
            else:
                self._fail(ConnectionLost("the connection closed before the answer was complete"))

    # -- httptools callbacks ------------------------------------------------------------------

    def on_status(self, status: bytes) -> None:
        self._reason = status.decode("latin-1")

    def on_header(self, name: bytes, value: bytes) -> None:
        lowered = name.lower()
        if lowered == b"content-length":
            self._framed = True
            if value.strip().isdigit() and int(value) > self._max_body:  # before the body
                self._fail(HttpClientError(f"the answer is larger than {self._max_body} bytes"))
        elif lowered == b"transfer-encoding":
            self._framed = True
        elif lowered == b"location":
            self._location = value.decode("latin-1")
        elif lowered == b"cache-control":
            self._cache_control = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self._headers_done = True

    def on_body(self, body: bytes) -> None:
        self._size += len(body)
        if self._size > self._max_body:
            self._fail(HttpClientError(f"the answer is larger than {self._max_body} bytes"))
            return
        self._chunks.append(body)

    def on_message_complete(self) -> None:
        waiter, self._waiter = self._waiter, None
        self._headers_done = False
        body = b"".join(self._chunks)
        status = self._parser.get_status_code()
        if not self._parser.should_keep_alive():
            self.close()
        if waiter is not None and not waiter.done():
            answer = Answer(status, self._reason, body, self._location, self._cache_control)
            waiter.set_result(answer)

    # -- used by the pool ---------------------------------------------------------------------

    def send(self, request: bytes, waiter: asyncio.Future[Answer]) -> None:
        assert self._waiter is None
        if self._transport is None or self.closed or self._transport.is_closing():
            waiter.set_exception(HttpClientError("the connection closed before the request"))
            return
        self._waiter = waiter
        self._chunks, self._size, self._reason, self._received = [], 0, None, False
        self._location = self._cache_control = None
        self._headers_done = self._framed = False
        self._transport.write(request)

    @property
    def reusable(self) -> bool:
        return not self.closed and self._waiter is None and not self._transport_closing()

    def _transport_closing(self) -> bool:
        return self._transport is None or self._transport.is_closing()

    def _fail(self, error: HttpClientError) -> None:
        waiter, self._waiter = self._waiter, None
        self.close()
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    def close(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.close()


class Http1Pool:
    """Keep-alive connections per origin; `post()` is the only request this gateway sends."""

    def __init__(
        self,
        *,
        max_connections: int = 512,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self._idle: dict[Origin, deque[_Connection]] = {}
        self._slots = asyncio.Semaphore(max_connections)
        self._idle_seconds = idle_seconds
        self._max_body = max_body_bytes
        self._tls: ssl.SSLContext | None = None
        self._closed = False

    async def post(
        self, origin: Origin, headers: bytes, body: bytes, *, connect_timeout: float | None = None
    ) -> Answer:
        """POST `body` with `headers` (from `header_block`) and read the whole answer.

        A new connection must open within `connect_timeout` seconds (None: no bound of its own).
        """
        request = b"%scontent-length: %d\r\n%s\r\n%s" % (origin.head, len(body), headers, body)
        async with self._slots:
            connection = self._pooled(origin) or await self._connect(origin, connect_timeout)
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[Answer] = loop.create_future()
            connection.send(request, waiter)
            try:
                answer = await waiter
            except BaseException:
                connection.close()  # cancelled or failed: its answer may still arrive
                raise
            if connection.reusable and not self._closed:
                connection.idle_since = time.monotonic()
                self._idle.setdefault(origin, deque()).append(connection)
            return answer

    def close(self) -> None:
        """Close every idle connection; busy ones close when their request ends."""
        self._closed = True
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    def _pooled(self, origin: Origin) -> _Connection | None:
        """The most recently used live idle connection to `origin`, closing expired ones."""
        idle = self._idle.get(origin)
        if not idle:
            return None
        oldest_allowed = time.monotonic() - self._idle_seconds
        while idle:
            connection = idle.pop()
            if connection.reusable and connection.idle_since >= oldest_allowed:
                if idle and idle[0].idle_since < oldest_allowed:
                    self._expire(idle, oldest_allowed)
                return connection
            connection.close()
        return None

    @staticmethod
    def _expire(idle: deque[_Connection], oldest_allowed: float) -> None:
        while idle and idle[0].idle_since < oldest_allowed:
            idle.popleft().close()

    async def _connect(self, origin: Origin, seconds: float | None) -> _Connection:
        """A new connection; a timer only here, once per connection, not per request."""
        loop = asyncio.get_running_loop()
        tls = self._tls_context() if origin.tls else None
        try:
            async with asyncio.timeout(seconds):
                _, connection = await loop.create_connection(
                    lambda: _Connection(self._max_body), origin.host, origin.port, ssl=tls
                )
        except TimeoutError as error:  # ours, or the kernel's ETIMEDOUT
            within = f" within {seconds:g}s" if seconds is not None else ""
            raise ConnectFailed(f"cannot connect (no connection{within})") from error
        except OSError as error:
            reason = error.strerror or error.__class__.__name__
            raise ConnectFailed(f"cannot connect ({reason})") from error
        return connection

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls
