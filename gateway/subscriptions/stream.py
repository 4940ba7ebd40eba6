"""Live subscriptions: each one a pump task from its subgraph into a bounded queue.

`Subscriptions` belongs to one app. It owns the WebSocket client session to the subgraphs, the
settings, and the set of live streams, so that shutdown can end every one of them with a
`complete` before the server closes the connections. `Subscriptions.open` starts one
`SubscriptionStream`: a task reads the subgraph's events (`upstream.py`), runs the rest of the
plan for each (`events.py`, through `Gateway.run_planned`) and puts the shaped answer in the
stream's queue. A failed entity fetch is an event with partial data and errors, like a query's
answer, and the stream goes on; when the subgraph ends the stream with an error (it stopped,
or dropped the connection), that error is the stream's last event, and then it completes.

The queue is bounded (`subscriptions.queue_size`): a client that does not read its events would
otherwise make the gateway hold every event for it. When the queue is full the stream stops
and says so (`overflowed`); the protocol closes the client's connection with a clear code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from typing import Any, Protocol

import aiohttp

from gateway.config import SubscriptionsConfig
from gateway.documents import Planned, Runnable
from gateway.operation import request_error
from gateway.runtime import Gateway, GatewayResult
from gateway.security import Claims
from gateway.subscriptions.events import EventTransport, subscription_fetch, upstream_request
from gateway.subscriptions.revocations import RevocationFeed
from gateway.subscriptions.sessions import SessionWatch
from gateway.subscriptions.upstream import subscribe_upstream

__all__ = ["ObservedStream", "StreamObserver", "SubscriptionStream", "Subscriptions"]

log = logging.getLogger("gateway.subscriptions")

UrlFor = Callable[[str, str], str]
"""(subgraph name, the supergraph's URL) -> the URL to call (`Config.subgraph_url`)."""
DRAIN_SECONDS = 1.0
"""How long shutdown waits for clients to be told `complete` before the server closes them."""
CLOSE_AFTER_COMPLETE_SECONDS = 0.2
_END = None


class ObservedStream(Protocol):
    """One stream as its observer follows it."""

    def event(self) -> None: ...

    def closed(self) -> None: ...


class StreamObserver(Protocol):
    """What watches the streams (`gateway/telemetry/subscriptions.py`: metrics, a span)."""

    def stream_opened(self, transport: str) -> ObservedStream: ...


def _nothing() -> None:
    return None


class SubscriptionStream:
    """One client subscription: iterate it for the answers; `overflowed` once it gave up."""

    def __init__(self, queue_size: int) -> None:
        self._queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(queue_size + 1)
        self._limit = queue_size
        self._task: asyncio.Task[None] | None = None
        self.overflowed = False
        self.stopped_with: list[dict[str, Any]] | None = None
        """The errors the gateway ended this stream with (its token expired or was signed
        out): the transport sends them after the answers already queued, then ends."""
        self.drained = asyncio.Event()
        self._on_finish: list[Callable[[], None]] = []

    def start(self, pump: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run the pump that fills this stream."""
        self._task = asyncio.create_task(pump)
        return self._task

    def put(self, body: dict[str, Any]) -> bool:
        """Queue one answer; False (and the stream ends) when the client fell too far behind."""
        if self._queue.qsize() >= self._limit:
            self.overflowed = True
            self.end()
            return False
        self._queue.put_nowait(body)
        return True

    def end(self) -> None:
        """No more answers: the client gets `complete` after those already queued. The last
        slot is kept for this mark, so it always fits."""
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(_END)

    def stop(self, errors: list[dict[str, Any]]) -> None:
        """End the stream because of `errors` (see `stopped_with`)."""
        if self.stopped_with is None:
            self.stopped_with = errors
            self.end()

    def on_finish(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the client is done with this stream."""
        self._on_finish.append(callback)

    async def next(self) -> dict[str, Any] | None:
        """The next answer, or None once the stream is over (safe to cancel: a caller may
        wait under `asyncio.timeout` and send a keep-alive)."""
        body = await self._queue.get()
        if body is _END or self.overflowed:
            self._queue.put_nowait(_END)  # asked again, still over
            return None
        return body

    async def finish(self) -> None:
        """The client is done with this stream (told `complete`, or gone): stop the pump."""
        self.drained.set()
        callbacks, self._on_finish = self._on_finish, []
        for callback in callbacks:
            callback()
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class Subscriptions:
    """The app's subscriptions (see the module docstring)."""

    def __init__(
        self,
        settings: SubscriptionsConfig,
        url_for: UrlFor,
        redis_url: str | None = None,
        observer: StreamObserver | None = None,
    ) -> None:
        self.settings = settings
        self.observer = observer
        """Told of each stream opened and closed and each event (the gateway's metrics)."""
        self._url_for = url_for
        self._session: aiohttp.ClientSession | None = None
        self._live: set[SubscriptionStream] = set()
        self._per_client: Counter[str] = Counter()
        self.closing = False
        self.sessions = SessionWatch()
        """Ends what a token opened when it expires or is signed out (`sessions.py`)."""
        self.revocations = (
            RevocationFeed(redis_url, self.sessions.revoked)
            if redis_url is not None and settings.follow_revocations
            else None
        )

    def start(self) -> None:
        """Follow accounts' sign-outs (`revocations.py`), when configured."""
        if self.revocations is not None:
            self.revocations.start()

    def admits(self, client: str) -> bool:
        """Whether `client` may open one more subscription (`max_per_client`)."""
        return self._per_client[client] < self.settings.max_per_client

    def follow(self, claims: Claims, stream: SubscriptionStream) -> None:
        """End `stream` with an UNAUTHENTICATED error when the token of `claims` expires or is
        signed out (an HTTP stream; a WebSocket watches its connection's token instead)."""
        watched = self.sessions.watch(claims, lambda end: stream.stop([end.error()]))
        stream.on_finish(lambda: self.sessions.release(watched))

    def open(
        self,
        gateway: Gateway,
        operation: Runnable,
        variables: Mapping[str, Any],
        headers: Mapping[str, str],
        labels: frozenset[str],
        finish: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]],
        transport: str,
        client: str,
    ) -> SubscriptionStream:
        """Start streaming `operation` (validated, authorized, its variables coerced);
        `finish` is applied to every answer (authorization's removed paths, plugins'
        `on_error`); `transport` (websocket, sse, multipart) labels the stream for the observer;
        `client` counts it against that client's limit until it ends (ask `admits` first)."""
        stream = SubscriptionStream(self.settings.queue_size)
        if self.closing:
            stream.put(_closing())
            stream.end()
            return stream
        observed = None if self.observer is None else self.observer.stream_opened(transport)
        counted = _nothing if observed is None else observed.event
        pump = self._pump(stream, gateway, operation, variables, headers, labels, finish, counted)
        self._live.add(stream)
        task = stream.start(pump)
        task.add_done_callback(lambda _: self._live.discard(stream))
        self._per_client[client] += 1
        task.add_done_callback(lambda _: self._release(client))
        if observed is not None:
            task.add_done_callback(lambda _: observed.closed())
        return stream

    def _release(self, client: str) -> None:
        self._per_client[client] -= 1
        if self._per_client[client] <= 0:
            del self._per_client[client]

    async def _pump(
        self,
        stream: SubscriptionStream,
        gateway: Gateway,
        operation: Runnable,
        variables: Mapping[str, Any],
        headers: Mapping[str, str],
        labels: frozenset[str],
        finish: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]],
        counted: Callable[[], None],
    ) -> None:
        try:
            planned = gateway.planned(operation, labels)
            if isinstance(planned, GatewayResult):
                stream.put(await finish(planned.body))
                return
            async for body in self._events(gateway, operation, planned, variables, headers):
                if not stream.put(await finish(body)):
                    return
                counted()
        except Exception:  # a bug in the pipeline: log it, end the stream with a plain error
            log.exception("unexpected failure while streaming a subscription")
            message = "The gateway failed to run this subscription."
            stream.put({"errors": [request_error(message, "INTERNAL_SERVER_ERROR")]})
        finally:
            stream.end()

    async def _events(
        self,
        gateway: Gateway,
        operation: Runnable,
        planned: Planned,
        variables: Mapping[str, Any],
        headers: Mapping[str, str],
    ) -> AsyncIterator[dict[str, Any]]:
        fetch = subscription_fetch(planned.plan)
        if fetch is None:
            message = "The gateway could not plan this subscription: no subgraph serves its root."
            yield {"errors": [request_error(message, "QUERY_PLANNING_FAILED")]}
            return
        forwarded = gateway.header_policy.forwarded(headers)
        service = fetch.service_name
        url = self._url_for(service, gateway.supergraph.subgraphs[service].url)
        events = subscribe_upstream(
            self._client(),
            service,
            url,
            upstream_request(fetch, variables, forwarded),
            ack_timeout=self.settings.init_timeout,
            heartbeat=self.settings.keepalive,
        )
        try:
            async for event in events:
                transport = EventTransport(fetch, event, gateway.transport)
                yield await gateway.run_planned(operation, planned, variables, forwarded, transport)
        finally:
            await events.aclose()

    def _client(self) -> aiohttp.ClientSession:
        """The session of every upstream WebSocket. Each subscription holds one connection for
        its whole life, so the pool has no limit: aiohttp's default of 100 made the 101st
        subscription wait, silently, for one of the first hundred to end."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        return self._session

    async def close(self) -> None:
        """Complete every live stream (each client is told `complete`), wait up to
        `DRAIN_SECONDS` for the clients to be told, then close the subgraph connections."""
        self.closing = True
        live = tuple(self._live)
        if live:
            log.info("completing %d subscription(s) before shutting down", len(live))
        for stream in live:
            stream.end()
        if live:
            waits = [asyncio.create_task(stream.drained.wait()) for stream in live]
            _, pending = await asyncio.wait(waits, timeout=DRAIN_SECONDS)
            for waiting in pending:
                waiting.cancel()
            # A close frame right behind `complete` reaches some clients first: the
            # graphql-ws client then reports the close as the stream's error.
            await asyncio.sleep(CLOSE_AFTER_COMPLETE_SECONDS)
        if self._session is not None:
            await self._session.close()
        if self.revocations is not None:
            await self.revocations.close()


def _closing() -> dict[str, Any]:
    message = "The gateway is shutting down: subscribe again on another instance."
    return {"errors": [request_error(message, "SERVICE_UNAVAILABLE")]}
