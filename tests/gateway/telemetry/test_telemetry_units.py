"""The telemetry's small rules: what is on, W3C headers, outcomes and label cardinality."""

from __future__ import annotations

from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceState

from gateway.config import Config, LogsConfig, MetricsConfig, TelemetryConfig, load_config
from gateway.telemetry import GatewayMetrics, Telemetry
from gateway.telemetry.pipeline import _error_codes, _outcome
from gateway.telemetry.record import fetch_outcome
from gateway.telemetry.tracing import trace_headers, trace_id_of_header


def test_nothing_on_means_no_hooks_at_all() -> None:
    off = Config(metrics=MetricsConfig(enabled=False))
    telemetry = Telemetry(off)
    assert not telemetry.active
    assert telemetry.observer is None  # the transport then does nothing per request
    assert telemetry.tracer is None


def test_traces_follow_the_otlp_endpoints() -> None:
    assert Telemetry(Config()).tracer is None
    base = TelemetryConfig(endpoint="http://collector:4318/")
    assert base.traces_url == "http://collector:4318/v1/traces"
    both = TelemetryConfig(endpoint="http://a:4318", traces_endpoint="http://b:9999/traces")
    assert both.traces_url == "http://b:9999/traces"
    telemetry = Telemetry(Config(telemetry=base, logs=LogsConfig(access="json")))
    try:
        assert telemetry.tracer is not None
        assert telemetry.active
    finally:
        telemetry.shutdown()


def test_the_yaml_file_turns_traces_and_the_access_log_on(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text(
        "telemetry:\n  endpoint: http://127.0.0.1:4318\n  service_name: edge\n"
        "logs:\n  access: json\nmetrics:\n  enabled: false\n",
        encoding="utf-8",
    )
    config = load_config(path, environ={})
    assert config.telemetry.traces_url == "http://127.0.0.1:4318/v1/traces"
    assert config.telemetry.service_name == "edge"
    assert config.logs.access == "json"
    telemetry = Telemetry(config)
    try:
        assert telemetry.tracer is not None
        assert telemetry.metrics is None
    finally:
        telemetry.shutdown()
    with_env = load_config(path, environ={"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:1/t"})
    assert with_env.telemetry.traces_url == "http://c:1/t"


def test_trace_headers_name_the_fetch_span_and_replace_the_clients() -> None:
    provider = TracerProvider()
    span = provider.get_tracer("t").start_span("fetch")
    context = span.get_span_context()
    sent = trace_headers(span, {"authorization": "x", "tracestate": "client=1"})
    flags = f"{int(context.trace_flags):02x}"  # sampled, and the SDK's random-id flag
    assert sent["traceparent"] == f"00-{context.trace_id:032x}-{context.span_id:016x}-{flags}"
    assert int(flags, 16) & 1
    assert "tracestate" not in sent  # ours has none; the client's is not ours to pass on
    assert sent["authorization"] == "x"
    span.end()
    stated = NonRecordingSpan(
        SpanContext(
            trace_id=1, span_id=2, is_remote=False, trace_state=TraceState([("vendor", "v1")])
        )
    )
    assert trace_headers(stated, {})["tracestate"] == "vendor=v1"


def test_trace_id_of_a_traceparent_header() -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    assert trace_id_of_header(f"00-{trace_id}-00f067aa0ba902b7-01") == trace_id
    assert trace_id_of_header(f"00-{'0' * 32}-00f067aa0ba902b7-01") is None
    assert trace_id_of_header("garbage") is None
    assert trace_id_of_header(None) is None


def test_request_outcomes() -> None:
    assert _outcome(200, {"data": {"a": 1}}) == "success"
    assert _outcome(200, {"data": {"a": None}, "errors": [{"message": "x"}]}) == "graphql_error"
    assert _outcome(200, {"errors": [{"message": "x"}]}) == "request_error"
    assert _outcome(400, {"errors": [{"message": "x"}]}) == "request_error"
    assert _outcome(503, {"errors": [{"message": "x"}]}) == "server_error"
    assert _outcome(200, None) == "success"
    body = {"errors": [{"extensions": {"code": c}} for c in "ABACDEFG"]}
    assert _error_codes(body) == ("A", "B", "C", "D", "E")


def test_fetch_outcomes() -> None:
    assert fetch_outcome(200, None) == "ok"
    assert fetch_outcome(502, None) == "http_error"
    assert fetch_outcome(None, "SUBREQUEST_TIMEOUT") == "timeout"
    assert fetch_outcome(None, "SUBREQUEST_HTTP_ERROR") == "error"
    assert fetch_outcome(None, "CANCELLED") == "cancelled"


def test_operation_names_are_bounded() -> None:
    metrics = GatewayMetrics(operation_names=2)
    assert metrics.operation_label("Bad", valid=False) == "other"  # invalid: never labelled
    assert metrics.operation_label("A", valid=True) == "A"
    assert metrics.operation_label("B", valid=True) == "B"
    assert metrics.operation_label("C", valid=True) == "other"
    assert metrics.operation_label("A", valid=False) == "A"  # a known name stays itself


def test_grpc_is_chosen_by_the_standard_protocol_variables(tmp_path: Path) -> None:
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
        OTLPSpanExporter as GrpcSpanExporter,
    )
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    from gateway.config import ConfigError
    from gateway.otlp import protocol_of, span_exporter

    grpc = TelemetryConfig(endpoint="http://collector:4317", protocol="grpc")
    assert grpc.traces_url == "http://collector:4317"  # no /v1/traces: gRPC names a service
    assert grpc.transport == "grpc"
    http_for_traces = TelemetryConfig(
        endpoint="http://collector:4318", protocol="grpc", traces_protocol="http/protobuf"
    )
    assert http_for_traces.traces_url == "http://collector:4318/v1/traces"
    path = tmp_path / "gateway.yaml"
    path.write_text("telemetry:\n  endpoint: http://127.0.0.1:4317\n", encoding="utf-8")
    loaded = load_config(path, environ={"OTEL_EXPORTER_OTLP_PROTOCOL": "GRPC"})
    assert loaded.telemetry.transport == "grpc"
    with pytest.raises(ConfigError, match="OTEL_EXPORTER_OTLP_PROTOCOL"):
        load_config(path, environ={"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"})
    assert isinstance(span_exporter("grpc", "http://127.0.0.1:4317"), GrpcSpanExporter)
    assert isinstance(span_exporter("http/protobuf", "http://a:1/v1/traces"), OTLPSpanExporter)
    assert protocol_of({}) == "http/protobuf"
    assert protocol_of({"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}) == "grpc"
    both = {
        "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
    }
    assert protocol_of(both) == "http/protobuf"
