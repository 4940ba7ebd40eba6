"""A subgraph's traces and metrics: it joins the gateway's trace, and serves `GET /metrics`.

Traces are on when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set
(the SDK's exporter reads them, and `OTEL_TRACES_SAMPLER`; `OTEL_EXPORTER_OTLP_PROTOCOL` picks
HTTP/protobuf or gRPC, as for the gateway, through `gateway/otlp.py`; the service is named
`OTEL_SERVICE_NAME` or `subgraph-<name>`). Two official instrumentations make the spans:

- ASGI (`OpenTelemetryMiddleware`) around the app: one SERVER span per request, the child of
  the gateway's fetch span named in the request's `traceparent`;
- PyMongo's `CommandTracer`, a pymongo `CommandListener` given to our client: one CLIENT span
  per database command sent while serving a traced request. Pymongo's async client
  (`AsyncMongoClient`) publishes command events in the task that awaits the command, so the
  span finds the request's span as its parent (the tests check it); the instrumentor's global
  registration is not used, only the listener.

The provider is this app's own (not the process-global one), as in the gateway. Metrics are
prometheus-client's, in the app's own registry: requests by outcome and their latency.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.pymongo import CommandTracer
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import get_current_span
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from pymongo.monitoring import CommandListener, CommandStartedEvent
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from gateway.otlp import protocol_of, span_exporter

__all__ = ["SubgraphMetrics", "SubgraphTelemetry", "request_outcome"]

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
UNTRACED_PATHS = "/health,/ready,/metrics"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class RequestCommandTracer(CommandTracer):
    """PyMongo's tracer, for commands sent while serving a traced request only.

    The others (health probes' `ping` every few seconds, index creation, revocation polling)
    would each start a trace of one span, burying the requests' traces.
    """

    def started(self, event: CommandStartedEvent) -> None:
        if get_current_span().get_span_context().is_valid:
            super().started(event)


class SubgraphMetrics:
    """GraphQL requests by outcome (`ok`, `graphql_error`, `http_error`), and their latency."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._requests = Counter(
            "subgraph_requests",
            "GraphQL requests answered, by outcome",
            ("outcome",),
            registry=self.registry,
        )
        self._latency = Histogram(
            "subgraph_request_duration_seconds",
            "Time to answer a GraphQL request",
            buckets=BUCKETS,
            registry=self.registry,
        )
        self._children = {name: self._requests.labels(name) for name in OUTCOMES}

    def request(self, outcome: str, seconds: float) -> None:
        self._children[outcome].inc()
        self._latency.observe(seconds)

    async def endpoint(self, request: Request) -> Response:
        """`GET /metrics` in Prometheus' text format."""
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


OUTCOMES = ("ok", "graphql_error", "http_error")


def request_outcome(status: int, has_errors: bool) -> str:
    if status >= 400:
        return "http_error"
    return "graphql_error" if has_errors else "ok"


class SubgraphTelemetry:
    """One subgraph app's tracer provider (None: traces off) and metrics."""

    def __init__(self, name: str, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.metrics = SubgraphMetrics()
        self.provider: TracerProvider | None = None
        if any(env.get(variable) for variable in ENDPOINT_VARIABLES):
            service = env.get("OTEL_SERVICE_NAME") or f"subgraph-{name}"
            self.provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
            exporter = span_exporter(protocol_of(env))
            self.provider.add_span_processor(BatchSpanProcessor(exporter))

    def listeners(self) -> list[CommandListener]:
        """Database command listeners: PyMongo's tracer when traces are on."""
        if self.provider is None:
            return []
        return [RequestCommandTracer(self.provider.get_tracer("subgraphs.database"))]

    def middleware(self) -> list[Middleware]:
        """The ASGI instrumentation when traces are on (health and metrics are not traced)."""
        if self.provider is None:
            return []
        return [
            Middleware(
                OpenTelemetryMiddleware,
                excluded_urls=UNTRACED_PATHS,
                tracer_provider=self.provider,
                exclude_spans=["receive", "send"],
            )
        ]

    def shutdown(self) -> None:
        """Send the spans still buffered."""
        if self.provider is not None:
            self.provider.shutdown()
