"""uvicorn's httptools protocol with read deadlines and a connection cap, against slow clients.

Why: uvicorn bounds only the idle wait between requests (`timeout_keep_alive`). Once a client
has sent one byte of a request nothing bounds how long it may take over the rest: 200 of 200
half-sent requests were still open after 20 s in issue 15, and only the file-descriptor limit
stopped more. uvicorn's own issue #157 lists `--timeout-request-start` and
`--timeout-request-complete` as never done. ASGI middleware cannot help: the app is called only
once the head is parsed, and a body read waits inside the app.

Why a subclass and not another server: uvicorn with httptools and uvloop is what the gateway's
benchmarks were tuned on, and the fix is two timers per request around four parser callbacks;
parsing, flow control and the ASGI cycle stay uvicorn's. Hypercorn's `read_timeout` bounds
each read, not the request, so a client dripping a byte at a time still holds the connection.
Both the gateway and the subgraphs run on it, which is why it sits at the package root: a
subgraph imports this module without loading the gateway's app.

The rules, each modelled on a well-known server:
- Head: the request line and headers must be complete within `header_timeout` seconds of the
  connection opening, or of the request's first byte on a kept-alive connection (where uvicorn's
  keep-alive timeout covers the wait before it). Then 408 and close, as Node's
  `headersTimeout`; a connection that sent nothing is closed without a word (a browser's
  preconnect).
- Body: the whole body within `body_timeout` seconds of the head. A total, not an idle
  timeout, so dripping cannot stretch it. 408 if the app has not started answering, then close;
  the app's pending `receive()` gets `http.disconnect`.
- Connections: beyond `max_connections` open ones, a new connection is closed at once, and
  uvicorn's `limit_concurrency` (set to the same number) answers 503 to requests while the
  server is that full, so neither descriptors nor request tasks grow without bound.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["ConnectionLimits", "TimedHttpToolsProtocol", "limited_uvicorn_config"]

TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 16\r\n"
    b"connection: close\r\n"
    b"\r\n"
    b"Request Timeout\n"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionLimits:
    """How long a client may take to send a request, and how many may be connected at once."""

    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 1000


class LimitedConfig(uvicorn.Config):
    """A uvicorn `Config` that carries `ConnectionLimits` to each connection's protocol.

    A module-level class, so the config still pickles into worker processes.
    """

    def __init__(self, app: Any, *, limits: ConnectionLimits, **kwargs: Any) -> None:
        super().__init__(
            app,
            http=TimedHttpToolsProtocol,
            limit_concurrency=limits.max_connections,
            **kwargs,
        )
        self.connection_limits = limits


def limited_uvicorn_config(app: Any, limits: ConnectionLimits, **kwargs: Any) -> uvicorn.Config:
    """`uvicorn.Config(app, **kwargs)` served by `TimedHttpToolsProtocol` under `limits`."""
    return LimitedConfig(app, limits=limits, **kwargs)


class TimedHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` plus the head and body deadlines and the connection cap above."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._limits: ConnectionLimits = getattr(config, "connection_limits", ConnectionLimits())
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._head_begun = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._limits.max_connections:
            transport.close()
            return
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_begun = True
        self._arm_head_timer()

    def on_headers_complete(self) -> None:
        self._head_begun = False
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().on_headers_complete()
        if self._body_timer is not None:
            self._body_timer.cancel()
        self._body_timer = self.loop.call_later(self._limits.body_timeout, self._body_timed_out)

    def on_message_complete(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        super().on_message_complete()

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(
                self._limits.header_timeout, self._head_timed_out
            )

    def _cancel_timers(self) -> None:
        for timer in (self._head_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._head_begun:
            self.transport.write(TIMEOUT_RESPONSE)
        self.transport.close()

    def _body_timed_out(self) -> None:
        self._body_timer = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is not None and not cycle.response_started:
            self.transport.write(TIMEOUT_RESPONSE)
        self.transport.close()
        if cycle is not None:  # the app stops waiting for the body now, not at connection_lost
            cycle.disconnected = True
            cycle.message_event.set()
