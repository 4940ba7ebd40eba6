"""The OTLP span exporter for a protocol: HTTP/protobuf (the default) or gRPC.

One choice for the gateway and the subgraphs, made as the OpenTelemetry exporter spec says:
`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else `http/protobuf`.
The gRPC exporter (and grpcio under it) is imported only when a process asks for gRPC, so the
default costs nothing more at start-up. Like `gateway/jwks.py`, it imports nothing else of the
gateway, so a subgraph loads this module alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.export import SpanExporter

__all__ = ["GRPC", "HTTP_PROTOBUF", "PROTOCOLS", "protocol_of", "span_exporter"]

HTTP_PROTOBUF = "http/protobuf"
GRPC = "grpc"
PROTOCOLS = (HTTP_PROTOBUF, GRPC)


def protocol_of(environ: Mapping[str, str]) -> str:
    """The traces protocol the standard variables ask for (`http/protobuf` when unset)."""
    for variable in ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"):
        value = environ.get(variable, "").strip().lower()
        if value:
            return value
    return HTTP_PROTOBUF


def span_exporter(protocol: str, endpoint: str | None = None) -> SpanExporter:
    """An exporter to `endpoint` (None: the exporter reads the standard variables itself).

    For gRPC the endpoint is the collector's address as is (`http://host:4317`); `http://`
    means a plaintext channel, as the spec's `insecure` default for that scheme.
    """
    if protocol == GRPC:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
            OTLPSpanExporter as GrpcSpanExporter,
        )

        if endpoint is None:
            return GrpcSpanExporter()
        return GrpcSpanExporter(endpoint=endpoint, insecure=endpoint.startswith("http://"))
    if protocol != HTTP_PROTOBUF:
        raise ValueError(f"OTLP protocol {protocol!r} is not one of {', '.join(PROTOCOLS)}")
    return OTLPSpanExporter() if endpoint is None else OTLPSpanExporter(endpoint=endpoint)
