"""The HTTP transport: one keep-alive connection pool, orjson bodies, per-subgraph policies.

One `Http1Pool` (`http1.py`, which says why it is not aiohttp) is shared by every request so
connections to subgraphs stay open; the application's lifespan calls `start()` and `close()`.
Each subgraph has a policy (`policy.py`): a total and a connect timeout, a cap on connections,
a circuit breaker (`breaker.py`) and retries of queries under a budget (`retry.py`).
Identical in-flight queries (same subgraph, body and forwarded headers) share one request:
under load many clients ask the same thing at once, and the subgraph only needs to answer it
once. Mutations are never shared, because each one must run.

What is shared is the raw answer (status and bytes), never the decoded dicts: the executor
merges subgraph data into its response tree by reference and mutates it afterwards, so every
waiter decodes its own copy (orjson makes that cheap) and no two client requests can write
into the same dict.

Deadlines are not a timer per call (uvloop backs each with its own libuv timer, about 15 us of
CPU per subgraph call, and a query can make a dozen or more calls). `Deadlines` keeps
(task, deadline) in a dict that one sweeper task checks every `DEADLINE_RESOLUTION` seconds
while requests are pending, cancelling the late ones the way `asyncio.timeout` does
(`deadlines.py`).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from urllib.parse import urljoin

import orjson

from gateway.transports.deadlines import Deadlines
from gateway.transports.files import files_in
from gateway.transports.headers import header_bytes
from gateway.transports.http1 import Http1Pool, HttpClientError, Origin
from gateway.transports.outcomes import (
    Failed,
    Outcome,
    RawAnswer,
    failure_kind,
    retryable,
    unavailable,
)
from gateway.transports.policy import SubgraphGuard, SubgraphPolicy, circuit_open
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
from gateway.transports.retry import REQUEST_DEADLINE, backoff
from gateway.transports.upload import UploadSender

__all__ = ["HttpTransport", "HttpTransportOptions"]

_DedupKey = tuple[str, bytes, tuple[tuple[str, str], ...]]

DEADLINE_RESOLUTION = 0.05
"""Seconds between deadline checks: a subgraph timeout fires at most this much late."""
MAX_REDIRECTS = 3
MIN_ATTEMPT_SECONDS = 0.05
"""A retry is not started with less time than this left: it could not finish."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpTransportOptions:
    """Where each subgraph lives and how it is called.

    A subgraph's `policies` entry says everything (read on every call, so the server swaps
    entries when a new supergraph comes); without one, `default_policy` applies with the
    timeout of `timeouts` or `default_timeout`.
    """

    urls: Mapping[str, str]
    default_timeout: float = 30.0
    timeouts: Mapping[str, float] = field(default_factory=dict)
    deduplicate: bool = True
    max_connections: int = 512
    policies: Mapping[str, SubgraphPolicy] = field(default_factory=dict)
    default_policy: SubgraphPolicy = field(default_factory=SubgraphPolicy)
    observer: FetchObserver | None = None
    """Told about every request sent (traces, metrics); None costs nothing per request."""


class HttpTransport:
    """`Transport` over HTTP; call `start()` before use and `close()` when done."""

    def __init__(self, options: HttpTransportOptions) -> None:
        self._options = options
        self._pool: Http1Pool | None = None
        self._in_flight: dict[_DedupKey, asyncio.Future[Outcome]] = {}
        self._deadlines = Deadlines(DEADLINE_RESOLUTION)
        self._guards: dict[str, SubgraphGuard] = {}
        self._uploads = UploadSender()

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
        await self._uploads.close()
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        """Send `request`, sharing it with an identical in-flight query when allowed.

        A request carrying files cannot be JSON (a `FileUpload` is not serialisable on
        purpose), so only a request that fails to serialise is searched for files: the search
        walks every variable, entity representations included, and most requests have none."""
        try:
            body = orjson.dumps(request.body())
        except orjson.JSONEncodeError:
            if request.variables and files_in(request.variables):
                return _decode(service_name, await self._upload(service_name, request))
            raise
        # Every send runs in a task of its own: deadlines are kept per task, and the executor
        # starts Parallel children eagerly, so several fetches may begin in the caller's task.
        if request.is_mutation:
            send = self._send(service_name, body, request.headers, idempotent=False)
            outcome = await asyncio.ensure_future(send)
        elif not self._options.deduplicate:
            outcome = await asyncio.ensure_future(self._send(service_name, body, request.headers))
        else:
            outcome = await self._shared(service_name, body, request.headers)
        return _decode(service_name, outcome)

    async def _upload(self, service_name: str, request: SubgraphRequest) -> Outcome:
        """A request with files (`upload.py`): once, through the subgraph's breaker."""
        guard = self._guard(service_name)
        if not guard.breaker.allow():
            return circuit_open(service_name, guard.breaker.retry_in())
        url = self._options.urls.get(service_name)
        if url is None:
            message = f"No URL is configured for subgraph '{service_name}'"
            return SubgraphFailure(message=message, code=SUBREQUEST_HTTP_ERROR)
        try:
            result = await self._uploads.send(
                service_name, url, request.headers, request.body(), guard.policy.timeout
            )
        except BaseException:
            guard.breaker.abandon()
            raise
        guard.breaker.record(unavailable(result))
        return result.failure if isinstance(result, Failed) else result

    def breaker_states(self) -> dict[str, str]:
        """Each called subgraph's circuit: closed, open or half_open (for metrics and logs)."""
        return {name: guard.breaker.state for name, guard in self._guards.items()}

    async def _shared(self, service_name: str, body: bytes, headers: Mapping[str, str]) -> Outcome:
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

    def _finished(self, key: _DedupKey, task: asyncio.Future[Outcome]) -> None:
        """Forget a shared request once it ends, and retrieve an error nobody may wait for."""
        if self._in_flight.get(key) is task:
            del self._in_flight[key]
        if not task.cancelled():
            task.exception()

    def _guard(self, service_name: str) -> SubgraphGuard:
        """The subgraph's breaker, budget and slots, rebuilt when its policy object changes."""
        policy = self._options.policies.get(service_name)
        guard = self._guards.get(service_name)
        if guard is not None and (policy is None or guard.policy is policy):
            return guard
        if policy is None:
            timeout = self._options.timeouts.get(service_name, self._options.default_timeout)
            policy = dataclasses.replace(self._options.default_policy, timeout=timeout)
        guard = self._guards[service_name] = SubgraphGuard(policy)
        return guard

    async def _send(
        self, service_name: str, body: bytes, headers: Mapping[str, str], *, idempotent: bool = True
    ) -> Outcome:
        """`_deliver`, told to the observer when there is one (in this task: the fetch's
        span is the current request's child, and only the request really sent is counted)."""
        observer = self._options.observer
        if observer is None:
            return await self._deliver(service_name, body, headers, idempotent=idempotent)
        probe = observer.begin(service_name, self._options.urls.get(service_name, ""))
        outcome: Outcome | None = None
        try:
            outcome = await self._deliver(
                service_name, body, probe.headers(headers), idempotent=idempotent
            )
        finally:
            if outcome is None:
                probe.end(None, 0, "CANCELLED")
            elif isinstance(outcome, SubgraphFailure):
                probe.end(None, 0, outcome.code)
            else:
                probe.end(outcome.status, len(outcome.payload), None)
        return outcome

    async def _deliver(
        self, service_name: str, body: bytes, headers: Mapping[str, str], *, idempotent: bool = True
    ) -> Outcome:
        """POST `body` through the subgraph's breaker, retrying a query when it is worth it.

        Refused at once while the circuit is open. The subgraph's timeout bounds all attempts
        together; a retry needs a retryable failure, an idempotent request (never a mutation),
        time left before the subgraph's timeout and the request's deadline, budget, and a
        circuit still closed (see `retry.py` for why each).
        """
        guard = self._guard(service_name)
        policy, breaker = guard.policy, guard.breaker
        if not breaker.allow():
            return circuit_open(service_name, breaker.retry_in())
        guard.budget.deposit()
        loop = asyncio.get_running_loop()
        ends = loop.time() + policy.timeout
        retries = 0
        while True:
            try:
                result = await self._exchange(guard, service_name, body, headers, ends, idempotent)
            except BaseException:
                breaker.abandon()
                raise
            breaker.record(unavailable(result))
            if not idempotent or retries >= policy.retry.max_retries or not retryable(result):
                break
            delay = backoff(retries, policy.retry)
            request_ends = REQUEST_DEADLINE.get()
            latest = ends if request_ends is None else min(ends, request_ends)
            if loop.time() + delay + MIN_ATTEMPT_SECONDS > latest:
                break
            if not guard.budget.withdraw() or not breaker.allow():
                break
            await asyncio.sleep(delay)
            retries += 1
        return result.failure if isinstance(result, Failed) else result

    async def _exchange(
        self,
        guard: SubgraphGuard,
        service_name: str,
        body: bytes,
        headers: Mapping[str, str],
        ends: float,
        idempotent: bool,
    ) -> Outcome | Failed:
        """One attempt; a query whose pooled connection turns out to be closed is sent again.

        A subgraph server may close an idle keep-alive connection at the moment we reuse it
        (uvicorn and Node close them after 5 s); the write then fails before the subgraph saw
        the request. Queries are safe to resend at once (no backoff, no budget: it is not a
        failure of the subgraph); mutations are never sent twice.
        """
        result = await self._attempt(guard, service_name, body, headers, ends)
        if idempotent and isinstance(result, Failed) and result.kind == "stale":
            result = await self._attempt(guard, service_name, body, headers, ends)
        return result

    async def _attempt(
        self,
        guard: SubgraphGuard,
        service_name: str,
        body: bytes,
        headers: Mapping[str, str],
        ends: float,
    ) -> Outcome | Failed:
        url = self._options.urls.get(service_name)
        if url is None:
            return SubgraphFailure(
                message=f"No URL is configured for subgraph '{service_name}'",
                code=SUBREQUEST_HTTP_ERROR,
            )
        if self._pool is None:
            await self.start()
        assert self._pool is not None
        seconds = ends - asyncio.get_running_loop().time()
        if seconds <= 0:
            return _timed_out(service_name, guard.policy.timeout)
        try:
            block = header_bytes(headers)
            return await self._post(guard, url, block, body, seconds=seconds)
        except TimeoutError:
            return _timed_out(service_name, guard.policy.timeout)
        except (HttpClientError, ValueError) as error:
            failure = SubgraphFailure(
                message=f"HTTP fetch failed from '{service_name}': {error}",
                code=SUBREQUEST_HTTP_ERROR,
            )
            return Failed(failure, failure_kind(error))

    async def _post(
        self, guard: SubgraphGuard, url: str, headers: bytes, body: bytes, *, seconds: float
    ) -> RawAnswer:
        """POST within `seconds`, following same-origin 307 and 308 redirects (which keep the
        method and body, as fetch does): a subgraph mounted at `/graphql/` answers `/graphql`
        with one. A redirect to another origin is not followed, so forwarded credentials never
        leave the configured subgraph. Waiting for one of the subgraph's connection slots
        counts against the time."""
        assert self._pool is not None
        deadlines = self._deadlines
        task = deadlines.enter(seconds)
        connect = guard.policy.connect_timeout
        try:
            async with guard.slots:
                origin = _origin(url)
                answer = await self._pool.post(origin, headers, body, connect_timeout=connect)
                for _ in range(MAX_REDIRECTS):
                    if answer.status not in (307, 308) or not answer.location:
                        break
                    url = urljoin(url, answer.location)
                    target = _origin(url)
                    if (target.host, target.port, target.tls) != (
                        origin.host,
                        origin.port,
                        origin.tls,
                    ):
                        raise HttpClientError(f"{answer.status}: redirected to another origin")
                    answer = await self._pool.post(target, headers, body, connect_timeout=connect)
            return RawAnswer(answer.status, answer.reason, answer.body, answer.cache_control)
        except asyncio.CancelledError:
            if deadlines.expired(task) and task.uncancel() == 0:
                raise TimeoutError from None
            raise
        finally:
            deadlines.leave(task)


@lru_cache(maxsize=256)
def _origin(url: str) -> Origin:
    """Parsed once per URL (a ValueError for one that is not http or https).

    Keyed by the string, not the subgraph, because the URL map may change while serving.
    """
    return Origin.parse(url)


def _timed_out(service_name: str, seconds: float) -> Failed:
    failure = SubgraphFailure(
        message=f"Subgraph '{service_name}' did not answer within {seconds:g}s",
        code=SUBREQUEST_TIMEOUT,
    )
    return Failed(failure, "timeout")


def _decode(service_name: str, outcome: Outcome) -> SubgraphResult:
    """This waiter's own decoded copy of a (possibly shared) answer."""
    if isinstance(outcome, SubgraphFailure):
        return outcome
    if outcome.status < 300:
        result = parse_response_body(service_name, outcome.payload)
        if outcome.cache_control is not None and isinstance(result, SubgraphResponse):
            return SubgraphResponse(
                data=result.data, errors=result.errors, cache_control=outcome.cache_control
            )
        return result
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
