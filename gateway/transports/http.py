"""The HTTP transport: one keep-alive connection pool, orjson bodies, per-subgraph timeouts.

One `Http1Pool` (`http1.py`, which says why it is not aiohttp) is shared by every request so
connections to subgraphs stay open; the application's lifespan calls `start()` and `close()`.
Identical in-flight
queries (same subgraph, body and forwarded headers) share one request: under load many clients
ask the same thing at once, and the subgraph only needs to answer it once. Mutations are never
shared, because each one must run.

What is shared is the raw answer (status and bytes), never the decoded dicts: the executor
merges subgraph data into its response tree by reference and mutates it afterwards, so every
waiter decodes its own copy (orjson makes that cheap) and no two client requests can write
into the same dict.

Deadlines are not a timer per call (uvloop backs each with its own libuv timer, about 15 us of
CPU per subgraph call, and a query can make a dozen or more calls). `_Deadlines` keeps
(task, deadline) in a dict that one sweeper task checks every `DEADLINE_RESOLUTION` seconds
while requests are pending, cancelling the late ones the way `asyncio.timeout` does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any
from urllib.parse import urljoin

import orjson

from gateway.transports.http1 import (
    Http1Pool,
    HttpClientError,
    Origin,
    StaleConnection,
    header_block,
)
from gateway.transports.protocol import (
    SUBREQUEST_HTTP_ERROR,
    SUBREQUEST_TIMEOUT,
    FetchObserver,
    SubgraphFailure,
    SubgraphRequest,
    SubgraphResponse,
    SubgraphResult,
    parse_response_body,
    response_from_payload,
)

__all__ = ["HttpTransport", "HttpTransportOptions"]

_DedupKey = tuple[str, bytes, tuple[tuple[str, str], ...]]

DEADLINE_RESOLUTION = 0.05
MAX_REDIRECTS = 3
"""Seconds between deadline checks: a subgraph timeout fires at most this much late."""


@dataclass(frozen=True, slots=True)
class _RawAnswer:
    """What the subgraph sent, undecoded: the only thing deduplicated waiters may share."""

    status: int
    reason: str | None
    payload: bytes


# A failure is a frozen value with no dicts inside, so it is safe to share as is.
_Outcome = _RawAnswer | SubgraphFailure


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpTransportOptions:
    """Where each subgraph lives and how long to wait for it."""

    urls: Mapping[str, str]
    default_timeout: float = 30.0
    timeouts: Mapping[str, float] = field(default_factory=dict)
    deduplicate: bool = True
    max_connections: int = 512
    observer: FetchObserver | None = None
    """Told about every request sent (traces, metrics); None costs nothing per request."""


class HttpTransport:
    """`Transport` over HTTP; call `start()` before use and `close()` when done."""

    def __init__(self, options: HttpTransportOptions) -> None:
        self._options = options
        self._pool: Http1Pool | None = None
        self._in_flight: dict[_DedupKey, asyncio.Future[_Outcome]] = {}
        self._deadlines = _Deadlines(DEADLINE_RESOLUTION)

    async def start(self) -> None:
        """Open the shared connection pool.

        It keeps no cookies (the pool is shared by every client, so a cookie one subgraph set
        for one user must never ride along on another user's request) and asks for
        uncompressed answers (Accept-Encoding: identity).
        """
        if self._pool is None:
            self._pool = Http1Pool(max_connections=self._options.max_connections)

    async def close(self) -> None:
        """Close the pool; in-flight requests finish or fail first."""
        self._deadlines.stop()
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        """Send `request`, sharing it with an identical in-flight query when allowed."""
        body = orjson.dumps(request.body())
        # Every send runs in a task of its own: deadlines are kept per task, and the executor
        # starts Parallel children eagerly, so several fetches may begin in the caller's task.
        if request.is_mutation:
            send = self._send(service_name, body, request.headers, retry=False)
            outcome = await asyncio.ensure_future(send)
        elif not self._options.deduplicate:
            outcome = await asyncio.ensure_future(self._send(service_name, body, request.headers))
        else:
            outcome = await self._shared(service_name, body, request.headers)
        return _decode(service_name, outcome)

    async def _shared(self, service_name: str, body: bytes, headers: Mapping[str, str]) -> _Outcome:
        """The raw answer to an identical in-flight query, or a new request if there is none.

        The shared request runs in a task of its own, and every caller (the first included)
        waits on it through `shield`: a client that disconnects cancels only its own wait, never
        the answer the others are waiting for. The task still ends by itself, bounded by the
        subgraph's deadline.
        """
        key = (service_name, body, tuple(sorted(headers.items())))
        pending = self._in_flight.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._send(service_name, body, headers))
            self._in_flight[key] = pending
            pending.add_done_callback(partial(self._finished, key))
        return await asyncio.shield(pending)

    def _finished(self, key: _DedupKey, task: asyncio.Future[_Outcome]) -> None:
        """Forget a shared request once it ends, and retrieve an error nobody may wait for."""
        if self._in_flight.get(key) is task:
            del self._in_flight[key]
        if not task.cancelled():
            task.exception()

    async def _send(
        self, service_name: str, body: bytes, headers: Mapping[str, str], *, retry: bool = True
    ) -> _Outcome:
        """`_deliver`, told to the observer when there is one (in this task: the fetch's
        span is the current request's child, and only the request really sent is counted)."""
        observer = self._options.observer
        if observer is None:
            return await self._deliver(service_name, body, headers, retry)
        probe = observer.begin(service_name, self._options.urls.get(service_name, ""))
        outcome: _Outcome | None = None
        try:
            outcome = await self._deliver(service_name, body, probe.headers(headers), retry)
        finally:
            if outcome is None:
                probe.end(None, 0, "CANCELLED")
            elif isinstance(outcome, SubgraphFailure):
                probe.end(None, 0, outcome.code)
            else:
                probe.end(outcome.status, len(outcome.payload), None)
        return outcome

    async def _deliver(
        self, service_name: str, body: bytes, headers: Mapping[str, str], retry: bool
    ) -> _Outcome:
        """POST `body`; a query whose pooled connection turns out to be closed is sent once more.

        A subgraph server may close an idle keep-alive connection at the moment we reuse it
        (uvicorn and Node close them after 5 s); the write then fails before the subgraph saw
        the request. Queries are safe to resend; mutations are never sent twice.
        """
        result = await self._attempt(service_name, body, headers)
        if retry and isinstance(result, _StaleConnection):
            result = await self._attempt(service_name, body, headers)
        if isinstance(result, _StaleConnection):
            return result.failure
        return result

    async def _attempt(
        self, service_name: str, body: bytes, headers: Mapping[str, str]
    ) -> _Outcome | _StaleConnection:
        url = self._options.urls.get(service_name)
        if url is None:
            return SubgraphFailure(
                message=f"No URL is configured for subgraph '{service_name}'",
                code=SUBREQUEST_HTTP_ERROR,
            )
        if self._pool is None:
            await self.start()
        assert self._pool is not None
        timeout = self._options.timeouts.get(service_name, self._options.default_timeout)
        try:
            block = _header_bytes(headers)
            return await self._post(url, block, body, seconds=timeout)
        except TimeoutError:
            return SubgraphFailure(
                message=f"Subgraph '{service_name}' did not answer within {timeout:g}s",
                code=SUBREQUEST_TIMEOUT,
            )
        except (HttpClientError, ValueError) as error:
            failure = SubgraphFailure(
                message=f"HTTP fetch failed from '{service_name}': {error}",
                code=SUBREQUEST_HTTP_ERROR,
            )
            return _StaleConnection(failure) if isinstance(error, StaleConnection) else failure

    async def _post(self, url: str, headers: bytes, body: bytes, *, seconds: float) -> _RawAnswer:
        """POST within `seconds`, following same-origin 307 and 308 redirects (which keep the
        method and body, as fetch does): a subgraph mounted at `/graphql/` answers `/graphql`
        with one. A redirect to another origin is not followed, so forwarded credentials never
        leave the configured subgraph."""
        assert self._pool is not None
        deadlines = self._deadlines
        task = deadlines.enter(seconds)
        try:
            origin = _origin(url)
            answer = await self._pool.post(origin, headers, body)
            for _ in range(MAX_REDIRECTS):
                if answer.status not in (307, 308) or not answer.location:
                    break
                url = urljoin(url, answer.location)
                target = _origin(url)
                if (target.host, target.port, target.tls) != (origin.host, origin.port, origin.tls):
                    raise HttpClientError(f"{answer.status}: redirected to another origin")
                answer = await self._pool.post(target, headers, body)
            return _RawAnswer(answer.status, answer.reason, answer.body)
        except asyncio.CancelledError:
            if deadlines.expired(task) and task.uncancel() == 0:
                raise TimeoutError from None
            raise
        finally:
            deadlines.leave(task)


class _Deadlines:
    """Request deadlines enforced by one sweeper task instead of a timer per request.

    A request registers its task and deadline on entry and leaves on exit. While any are
    registered the sweeper wakes every `resolution` seconds and cancels the tasks past their
    deadline, marking them expired so the request can turn the cancellation into a
    `TimeoutError`; a cancellation from anyone else stays a cancellation (as with
    `asyncio.timeout`, the task's cancel count says whether there was one).
    """

    def __init__(self, resolution: float) -> None:
        self._resolution = resolution
        self._pending: dict[asyncio.Task[Any], float] = {}
        self._expired: set[asyncio.Task[Any]] = set()
        self._sweeper: asyncio.Task[None] | None = None

    def enter(self, seconds: float) -> asyncio.Task[Any]:
        """Start the current task's deadline, `seconds` from now."""
        task = asyncio.current_task()
        assert task is not None, "subgraph requests run inside a task"
        loop = task.get_loop()
        self._pending[task] = loop.time() + seconds
        sweeper = self._sweeper
        if sweeper is None or sweeper.done() or sweeper.get_loop() is not loop:
            self._sweeper = loop.create_task(self._sweep())
        return task

    def expired(self, task: asyncio.Task[Any]) -> bool:
        """Whether the sweeper cancelled `task` (asked once, when the cancellation arrives)."""
        if task in self._expired:
            self._expired.discard(task)
            return True
        return False

    def leave(self, task: asyncio.Task[Any]) -> None:
        """End the task's deadline; a cancellation that never surfaced is taken back."""
        self._pending.pop(task, None)
        if task in self._expired:  # the request finished before the cancellation arrived
            self._expired.discard(task)
            task.uncancel()

    def stop(self) -> None:
        """Stop the sweeper (it would stop by itself once no request is pending)."""
        sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None and not sweeper.get_loop().is_closed():
            sweeper.cancel()

    async def _sweep(self) -> None:
        loop = asyncio.get_running_loop()
        pending = self._pending
        while pending:
            await asyncio.sleep(self._resolution)
            now = loop.time()
            for task in [task for task, deadline in pending.items() if deadline <= now]:
                del pending[task]
                self._expired.add(task)
                task.cancel()


@dataclass(frozen=True, slots=True)
class _StaleConnection:
    """The pooled connection was closed under us; `failure` is the answer if a retry fails too."""

    failure: SubgraphFailure


_DEFAULT_HEADERS = {
    "user-agent": "python-federation-gateway",
    "accept-encoding": "identity",
}
"""Sent unless a forwarded header says otherwise."""
_JSON_HEADERS = {
    "content-type": "application/json",
    "accept": "application/graphql-response+json, application/json",
}
_NEVER_FORWARDED = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te",
     "trailer", "expect", "proxy-connection"}
)  # fmt: skip
"""Framing and hop-by-hop headers: the client's values describe its own connection, not ours."""
_PLAIN_HEADERS = header_block({**_DEFAULT_HEADERS, **_JSON_HEADERS}.items())


def _header_bytes(headers: Mapping[str, str]) -> bytes:
    """The forwarded headers plus ours, as header lines."""
    if not headers:
        return _PLAIN_HEADERS
    sent = dict(_DEFAULT_HEADERS)
    for name, value in headers.items():
        lowered = name.lower()
        if lowered not in _NEVER_FORWARDED:
            sent[lowered] = value
    sent.update(_JSON_HEADERS)
    return header_block(sent.items())


@lru_cache(maxsize=256)
def _origin(url: str) -> Origin:
    """Parsed once per URL (a ValueError for one that is not http or https).

    Keyed by the string, not the subgraph, because the URL map may change while serving.
    """
    return Origin.parse(url)


def _decode(service_name: str, outcome: _Outcome) -> SubgraphResult:
    """This waiter's own decoded copy of a (possibly shared) answer."""
    if isinstance(outcome, SubgraphFailure):
        return outcome
    if outcome.status < 300:
        return parse_response_body(service_name, outcome.payload)
    return _http_error(service_name, outcome.status, outcome.reason, outcome.payload)


def _http_error(
    service_name: str, status: int, reason: str | None, payload: bytes
) -> SubgraphResult:
    """A non-2xx answer: keep a GraphQL error body if there is one, else report the status."""
    try:
        decoded = orjson.loads(payload)
    except orjson.JSONDecodeError:
        decoded = None
    if isinstance(decoded, dict) and decoded.get("errors"):
        parsed = response_from_payload(service_name, decoded)
        if isinstance(parsed, SubgraphResponse):
            return parsed
    return SubgraphFailure(
        message=f"HTTP fetch failed from '{service_name}': {status}: {reason or ''}".rstrip(": "),
        code=SUBREQUEST_HTTP_ERROR,
    )
