"""The operations sections of the settings: traces (`telemetry`), metrics and access logs.

Traces read the standard OpenTelemetry variables (`OTEL_EXPORTER_OTLP_ENDPOINT`,
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_SERVICE_NAME`), so a
deployment that already sets them for its other services turns the gateway's traces on without
learning new names; the YAML file can set the same values. Sampling is the SDK's own
(`OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`), read by the SDK itself. What each signal
holds is described in `gateway/telemetry/`.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config.declare import setting
from gateway.config.parsers import (
    boolean,
    choice,
    http_url,
    integer,
    names,
    text,
    url_path,
)
from gateway.otlp import GRPC, HTTP_PROTOBUF, PROTOCOLS

__all__ = ["ClientsConfig", "LogsConfig", "MetricsConfig", "TelemetryConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TelemetryConfig:
    """OpenTelemetry traces over OTLP (HTTP/protobuf or gRPC); off while no endpoint is set."""

    endpoint: str | None = setting(
        env="OTEL_EXPORTER_OTLP_ENDPOINT",
        parse=http_url,
        default=None,
        help="OTLP collector base URL (over HTTP traces go to its /v1/traces); set: traces on",
    )
    traces_endpoint: str | None = setting(
        env="OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        parse=http_url,
        default=None,
        help="full OTLP traces URL (wins over endpoint); set: traces on",
    )
    protocol: str = setting(
        env="OTEL_EXPORTER_OTLP_PROTOCOL",
        parse=choice(*PROTOCOLS),
        default=HTTP_PROTOBUF,
        help="OTLP transport: http/protobuf or grpc (the collector's 4317)",
    )
    traces_protocol: str | None = setting(
        env="OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        parse=choice(*PROTOCOLS),
        default=None,
        help="OTLP transport for traces (wins over protocol)",
    )

    @property
    def transport(self) -> str:
        """The protocol spans go out with: the traces one, else the general one."""
        return self.traces_protocol or self.protocol

    service_name: str = setting(
        env="OTEL_SERVICE_NAME",
        parse=text,
        default="gateway",
        help="service.name of the gateway's spans",
    )

    @property
    def traces_url(self) -> str | None:
        """Where spans are sent, as the OTLP exporter spec derives it; None: traces off.

        Over gRPC the base endpoint is the address itself: the service, not a path, says
        what is sent."""
        if self.traces_endpoint is not None:
            return self.traces_endpoint
        if self.endpoint is not None:
            if self.transport == GRPC:
                return self.endpoint
            return self.endpoint.rstrip("/") + "/v1/traces"
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricsConfig:
    """Prometheus metrics on the gateway's own port."""

    enabled: bool = setting(
        env="GATEWAY_METRICS_ENABLED",
        parse=boolean,
        default=False,
        help="serve Prometheus metrics (requests, subgraph fetches, caches) at metrics.path",
    )
    """Off by default, as in Apollo Router: about 130 us of CPU per request on the benchmark
    query (seven subgraph fetches), some 8% of its cost."""
    path: str = setting(
        env="GATEWAY_METRICS_PATH",
        parse=url_path,
        default="/metrics",
        help="path of the Prometheus endpoint",
    )
    port: int = setting(
        env="GATEWAY_METRICS_PORT",
        parse=integer(0, 65_535),
        default=0,
        help="a port of its own for metrics.path (0: the gateway's port); the GraphQL port "
        "then does not serve them",
    )
    """A port of its own keeps metrics off the public listener (Apollo Router and Hive Router
    also listen for them apart); it serves nothing but `metrics.path` (404 otherwise)."""
    operation_names: int = setting(
        env="GATEWAY_METRICS_OPERATION_NAMES",
        parse=integer(0, 10_000),
        default=200,
        help="distinct operation names a process labels metrics with; later ones are 'other'",
    )
    client_names: tuple[str, ...] = setting(
        env="GATEWAY_METRICS_CLIENT_NAMES",
        parse=names,
        default=(),
        help="client names (apps) labelled in the per-client metrics; others are 'other' "
        "(empty: the first metrics.clients names seen)",
    )
    clients: int = setting(
        env="GATEWAY_METRICS_CLIENTS",
        parse=integer(0, 10_000),
        default=50,
        help="without metrics.client_names: distinct client names a process labels; later "
        "ones are 'other'",
    )
    field_usage: bool = setting(
        env="GATEWAY_METRICS_FIELD_USAGE",
        parse=boolean,
        default=False,
        help="count each Type.field coordinate every operation selects, per client "
        "(gateway_client_field_usage_total; for deprecation decisions)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class LogsConfig:
    """The access log: one line per GraphQL request."""

    access: str = setting(
        env="GATEWAY_ACCESS_LOG",
        parse=choice("off", "json"),
        default="off",
        help="off, or json: one JSON line per request on stderr (trace id, operation, "
        "duration, status, subgraph calls; never variables or tokens)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientsConfig:
    """Client awareness: which app sent a request (`gateway/clients.py`)."""

    name_header: str = setting(
        env="GATEWAY_CLIENT_NAME_HEADER",
        parse=text,
        default="apollographql-client-name",
        help="header naming the client app (when the token names none)",
    )
    version_header: str = setting(
        env="GATEWAY_CLIENT_VERSION_HEADER",
        parse=text,
        default="apollographql-client-version",
        help="header with the client app's version",
    )
    app_claims: tuple[str, ...] = setting(
        env="GATEWAY_CLIENT_APP_CLAIMS",
        parse=names,
        default=("azp", "client_id", "app"),
        help="token claims naming the app, first found wins (a token's app beats the header)",
    )
