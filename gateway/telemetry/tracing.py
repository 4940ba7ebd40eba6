"""OpenTelemetry traces: the SDK's tracer provider with an OTLP exporter, and W3C headers.

The provider is the gateway's own, not the process-global one: several gateways can live in one
process (tests, a host application) and each exports with its own settings. Sampling is left to
the SDK, which reads `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` when the provider is
built; spans go out in batches from the SDK's background thread, never on a request's path.

Trace context goes to subgraphs as W3C `traceparent`/`tracestate`, written from the fetch span's
context directly (a format string) rather than through the propagator API, because it is added
to every subgraph request of a traced process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from opentelemetry.context import Context
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from gateway.config import TelemetryConfig
from gateway.otlp import span_exporter

__all__ = [
    "TRACER_NAME",
    "incoming_context",
    "trace_headers",
    "trace_id_of_header",
    "tracer_provider",
]

TRACER_NAME = "gateway"
_PROPAGATOR = TraceContextTextMapPropagator()
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}")


def tracer_provider(config: TelemetryConfig) -> TracerProvider | None:
    """A provider exporting to the configured OTLP endpoint; None while traces are off."""
    url = config.traces_url
    if url is None:
        return None
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: config.service_name}))
    exporter = span_exporter(config.transport, url)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def tracer_of(provider: TracerProvider) -> Tracer:
    """The gateway's tracer on `provider`."""
    return provider.get_tracer(TRACER_NAME)


def incoming_context(headers: Mapping[str, str]) -> Context:
    """The caller's trace context from its W3C headers (empty when it sent none)."""
    return _PROPAGATOR.extract(headers)


def trace_headers(span: Span, headers: Mapping[str, str]) -> dict[str, str]:
    """`headers` plus `traceparent` (and `tracestate`) naming `span` as the parent."""
    context = span.get_span_context()
    sent = dict(headers)
    flags = int(context.trace_flags)
    sent["traceparent"] = f"00-{context.trace_id:032x}-{context.span_id:016x}-{flags:02x}"
    if context.trace_state:
        sent["tracestate"] = context.trace_state.to_header()
    else:
        sent.pop("tracestate", None)  # a client's own must not ride along with our parent
    return sent


def trace_id_of_header(value: str | None) -> str | None:
    """The trace id in a `traceparent` header, for the access log when traces are off."""
    if value is None:
        return None
    found = _TRACEPARENT.match(value.strip().lower())
    if found is None or found.group(1) == "0" * 32:
        return None
    return found.group(1)
