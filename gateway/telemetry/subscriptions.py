"""Subscriptions in telemetry: the open-stream gauge, the event counter and a span per stream.

A subscription outlives the request that opened it (over WebSocket there is no request span at
all), so it gets a span of its own, `graphql.subscription`, from the moment it is opened until
it ends, with its transport and, once it ended, how many events it sent. Opened inside an HTTP
request (SSE, multipart), it is that request's child. The metrics are `GatewayMetrics`'.
"""

from __future__ import annotations

from opentelemetry.trace import Span, SpanKind, Tracer

from gateway.telemetry.metrics import GatewayMetrics

__all__ = ["SubscriptionTelemetry"]

TRANSPORT = "gateway.subscription.transport"
EVENTS = "gateway.subscription.events"


class _Observed:
    """One stream: counted while open, its events counted, its span ended with it."""

    __slots__ = ("_events", "_metrics", "_span", "_transport")

    def __init__(self, transport: str, metrics: GatewayMetrics | None, span: Span | None) -> None:
        self._transport = transport
        self._metrics = metrics
        self._span = span
        self._events = 0

    def event(self) -> None:
        self._events += 1
        if self._metrics is not None:
            self._metrics.subscription_event(self._transport)

    def closed(self) -> None:
        if self._metrics is not None:
            self._metrics.subscription_closed(self._transport)
        if self._span is not None:
            self._span.set_attribute(EVENTS, self._events)
            self._span.end()


class SubscriptionTelemetry:
    """The subscriptions' observer (`gateway.subscriptions.StreamObserver`)."""

    def __init__(self, tracer: Tracer | None, metrics: GatewayMetrics | None) -> None:
        self._tracer = tracer
        self._metrics = metrics

    def stream_opened(self, transport: str) -> _Observed:
        if self._metrics is not None:
            self._metrics.subscription_opened(transport)
        span = None
        if self._tracer is not None:
            span = self._tracer.start_span(
                "graphql.subscription",
                kind=SpanKind.SERVER,
                attributes={"graphql.operation.type": "subscription", TRANSPORT: transport},
            )
        return _Observed(transport, self._metrics, span)
