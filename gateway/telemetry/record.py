"""What one request's telemetry gathers on its way: its operation and its subgraph calls.

The record travels in a context variable, because the subgraph fetches that add to it run deep
in the executor and the transport, in tasks of their own (which copy the context they start
in, so they see the request's record and its span). A fetch shared by identical in-flight
queries runs in the first caller's task and is counted in that caller's record only.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from dataclasses import dataclass, field
from time import perf_counter

from opentelemetry.trace import Span, SpanKind, StatusCode, Tracer, get_current_span

from gateway.clients import ClientIdentity
from gateway.telemetry.metrics import GatewayMetrics
from gateway.telemetry.tracing import trace_headers

__all__ = ["FetchProbe", "Observer", "RequestRecord", "SubgraphCall", "current_record"]

_RECORD: contextvars.ContextVar[RequestRecord | None] = contextvars.ContextVar(
    "gateway_request_record", default=None
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphCall:
    """One HTTP request to a subgraph, as the access log shows it."""

    subgraph: str
    status: int | None
    outcome: str
    seconds: float


@dataclass(slots=True, kw_only=True)
class RequestRecord:
    """One GraphQL request's operation (once parsed) and the subgraph calls it made."""

    operation_type: str = "unknown"
    operation_name: str = ""
    valid: bool = False
    calls: list[SubgraphCall] = field(default_factory=list)
    client: ClientIdentity | None = None
    """The app that sent it, once the guard identified it (`gateway/clients.py`)."""
    fields: frozenset[str] = frozenset()
    """The `Type.field` coordinates its operation selects (with `metrics.field_usage`)."""


def current_record() -> RequestRecord | None:
    """The record of the request running in this context, if telemetry is on."""
    return _RECORD.get()


def enter_record(record: RequestRecord) -> contextvars.Token[RequestRecord | None]:
    return _RECORD.set(record)


def leave_record(token: contextvars.Token[RequestRecord | None]) -> None:
    _RECORD.reset(token)


def fetch_outcome(status: int | None, failure: str | None) -> str:
    """`ok`, `http_error` (a status of 400 or more), `timeout`, `cancelled` or `error`."""
    if failure is not None:
        if failure == "SUBREQUEST_TIMEOUT":
            return "timeout"
        return "cancelled" if failure == CANCELLED else "error"
    return "ok" if status is not None and status < 400 else "http_error"


CANCELLED = "CANCELLED"


class FetchProbe:
    """One subgraph request observed: its span (when tracing), its timing, its record entry."""

    __slots__ = ("_metrics", "_record", "_service", "_span", "_started")

    def __init__(
        self, service: str, url: str, tracer: Tracer | None, metrics: GatewayMetrics | None
    ) -> None:
        self._service = service
        self._metrics = metrics
        self._record = _RECORD.get()
        self._span: Span | None = None
        # Only inside a traced request: a readiness probe would otherwise be a trace of its own.
        if tracer is not None and get_current_span().get_span_context().is_valid:
            attributes = {"subgraph.name": service, "url.full": url, "http.request.method": "POST"}
            self._span = tracer.start_span(
                f"subgraph {service}", kind=SpanKind.CLIENT, attributes=attributes
            )
        self._started = perf_counter()

    def headers(self, forwarded: Mapping[str, str]) -> Mapping[str, str]:
        """The headers to send: the forwarded ones, plus the trace context when tracing."""
        span = self._span
        return forwarded if span is None else trace_headers(span, forwarded)

    def end(self, status: int | None, size: int, failure: str | None) -> None:
        """The request ended: with an HTTP status and body size, or a failure code."""
        seconds = perf_counter() - self._started
        outcome = fetch_outcome(status, failure)
        if self._metrics is not None:
            self._metrics.fetch(self._service, outcome, seconds)
        if self._record is not None:
            call = SubgraphCall(
                subgraph=self._service, status=status, outcome=outcome, seconds=seconds
            )
            self._record.calls.append(call)
        span = self._span
        if span is not None:
            if status is not None:
                span.set_attribute("http.response.status_code", status)
                span.set_attribute("http.response.body.size", size)
            if outcome != "ok":
                span.set_attribute("error.type", failure or str(status))
                span.set_status(StatusCode.ERROR)
            span.end()


@dataclass(frozen=True, slots=True)
class Observer:
    """The transport's `FetchObserver`: a `FetchProbe` per subgraph request."""

    tracer: Tracer | None
    metrics: GatewayMetrics | None

    def begin(self, service_name: str, url: str) -> FetchProbe:
        return FetchProbe(service_name, url, self.tracer, self.metrics)
