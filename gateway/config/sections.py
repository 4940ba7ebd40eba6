"""The serving sections of the settings: server, compose, CORS, query plans, GraphiQL and more.

Each class is one YAML section; each field one setting, declared once with `setting()` (see
`gateway/config/declare.py`). The security sections are in `gateway/config/security.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gateway.config.declare import setting
from gateway.config.parsers import (
    boolean,
    choice,
    http_url,
    integer,
    lower_names,
    lower_text,
    names,
    optional_integer,
    optional_names,
    optional_path,
    optional_seconds,
    optional_text,
    path,
    seconds,
    text,
    url_path,
)
from gateway.http_protocol import ConnectionLimits

__all__ = [
    "ComposeConfig",
    "CorsConfig",
    "DocumentsConfig",
    "GraphiQLConfig",
    "HeadersConfig",
    "PerformanceConfig",
    "QueryPlanConfig",
    "ReadinessConfig",
    "ServerConfig",
    "SubgraphSettings",
]

_REPO_ROOT = Path(__file__).resolve().parent.parent.parent
_CONNECTIONS = ConnectionLimits()


@dataclass(frozen=True, slots=True, kw_only=True)
class ComposeConfig:
    """Composing the supergraph at start-up instead of reading one (dev mode: hot reload)."""

    config: Path | None = setting(
        env="GATEWAY_COMPOSE",
        parse=optional_path,
        default=None,
        flag="--compose",
        metavar="SUPERGRAPH_YAML",
        exclusive="source",
        help="Rover-style supergraph.yaml to compose from at start-up (instead of --supergraph)",
    )
    poll_interval: float = setting(
        env="GATEWAY_COMPOSE_POLL_INTERVAL",
        parse=seconds,
        default=5.0,
        help="dev mode: seconds between recompositions from live subgraphs",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerConfig:
    """Where and how the gateway listens."""

    host: str = setting(
        env="GATEWAY_HOST",
        parse=text,
        default="127.0.0.1",
        flag="--host",
        help="interface to listen on",
    )
    port: int = setting(
        env="GATEWAY_PORT",
        parse=integer(1, 65535),
        default=4000,
        flag="--port",
        help="TCP port to listen on",
    )
    workers: int = setting(
        env="GATEWAY_WORKERS",
        parse=integer(1, 512),
        default=1,
        flag="--workers",
        help="worker processes, for several cores",
    )
    graphql_path: str = setting(
        env="GATEWAY_GRAPHQL_PATH",
        parse=url_path,
        default="/graphql",
        help="path of the GraphQL endpoint (and GraphiQL)",
    )
    shutdown_timeout: float = setting(
        env="GATEWAY_SHUTDOWN_TIMEOUT",
        parse=seconds,
        default=30.0,
        help="on SIGTERM, seconds to let requests in flight finish",
    )
    header_timeout: float = setting(
        env="GATEWAY_HEADER_TIMEOUT",
        parse=seconds,
        default=_CONNECTIONS.header_timeout,
        help="seconds a client may take to send a request's line and headers (then 408 and "
        "close; slowloris)",
    )
    body_timeout: float = setting(
        env="GATEWAY_BODY_TIMEOUT",
        parse=seconds,
        default=_CONNECTIONS.body_timeout,
        help="seconds a client may take to send a request's whole body (then 408 and close)",
    )
    max_connections: int = setting(
        env="GATEWAY_MAX_CONNECTIONS",
        parse=integer(1, 1_000_000),
        default=_CONNECTIONS.max_connections,
        help="open connections per process; more are closed at once (503 for requests when full)",
    )
    log_level: str = setting(
        env="GATEWAY_LOG_LEVEL",
        parse=choice("critical", "error", "warning", "info", "debug"),
        default="info",
        flag="--log-level",
        help="log level",
    )

    @property
    def connection_limits(self) -> ConnectionLimits:
        """What `gateway/http_protocol.py` enforces on each connection."""
        return ConnectionLimits(
            header_timeout=self.header_timeout,
            body_timeout=self.body_timeout,
            max_connections=self.max_connections,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphSettings:
    """Overrides for one subgraph; None keeps the supergraph's URL or the default timeout."""

    url: str | None = setting(
        env="GATEWAY_SUBGRAPH_URL_<NAME>",
        parse=http_url,
        default=None,
        help="the URL to call instead of the supergraph's",
    )
    timeout: float | None = setting(
        env="GATEWAY_SUBGRAPH_TIMEOUT_<NAME>",
        parse=optional_seconds,
        default=None,
        help="seconds to wait for that subgraph, retries included (default: subgraph_timeout)",
    )
    schema: str | None = setting(
        env="GATEWAY_SUBGRAPH_SCHEMA_<NAME>",
        parse=optional_text,
        default=None,
        help="serve it inside the gateway's process from a Python schema, `module:attribute` "
        "(a Strawberry or graphql-core schema): no HTTP hop",
    )
    connect_timeout: float | None = setting(
        env="GATEWAY_SUBGRAPH_CONNECT_TIMEOUT_<NAME>",
        parse=optional_seconds,
        default=None,
        help="seconds to open a connection to it (default: subgraph_connect_timeout)",
    )
    max_connections: int | None = setting(
        env="GATEWAY_SUBGRAPH_MAX_CONNECTIONS_<NAME>",
        parse=optional_integer(1, 100_000),
        default=None,
        help="connections (requests in flight) to it at once (default: subgraph_max_connections)",
    )
    cache_ttl: float | None = setting(
        env="GATEWAY_SUBGRAPH_CACHE_TTL_<NAME>",
        parse=optional_seconds,
        default=None,
        help="seconds its entity-cache entries live without a max-age (default: entity_cache.ttl)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadinessConfig:
    """What `/ready` waits for."""

    subgraphs: tuple[str, ...] | None = setting(
        env="GATEWAY_READINESS_SUBGRAPHS",
        parse=optional_names,
        default=None,
        shown="all",
        help="subgraphs that must answer for /ready to be 200 (empty: none)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HeadersConfig:
    """Client headers passed on to subgraphs."""

    forward: tuple[str, ...] = setting(
        env="GATEWAY_FORWARD_HEADERS",
        parse=lower_names,
        default=(),
        help="client request headers forwarded to every subgraph (none unless listed)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class CorsConfig:
    """Cross-origin settings; CORS is off while `allow_origins` is empty."""

    allow_origins: tuple[str, ...] = setting(
        env="GATEWAY_CORS_ALLOW_ORIGINS",
        parse=names,
        default=(),
        help="origins allowed by CORS ('*' for any); empty: CORS off",
    )
    allow_credentials: bool = setting(
        env="GATEWAY_CORS_ALLOW_CREDENTIALS",
        parse=boolean,
        default=False,
        help="allow cookies and Authorization on cross-origin requests",
    )
    allow_headers: tuple[str, ...] = setting(
        env="GATEWAY_CORS_ALLOW_HEADERS",
        parse=names,
        default=("content-type", "authorization", "apollo-require-preflight"),
        help="request headers a cross-origin client may send",
    )
    max_age: int = setting(
        env="GATEWAY_CORS_MAX_AGE",
        parse=integer(0, 86_400),
        default=600,
        help="seconds a browser may cache a preflight answer",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryPlanConfig:
    """Showing query plans to clients that ask by header."""

    expose: bool = setting(
        env="GATEWAY_QUERY_PLAN_EXPOSE",
        parse=boolean,
        default=True,
        production=False,
        help="return the query plan in extensions when asked by header",
    )
    header: str = setting(
        env="GATEWAY_QUERY_PLAN_HEADER",
        parse=lower_text,
        default="apollo-query-plan-experimental",
        help="request header that asks for the query plan",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentsConfig:
    """The per-gateway cache of prepared documents (see `gateway/documents.py`)."""

    cache_bytes: int = setting(
        env="GATEWAY_DOCUMENT_CACHE_BYTES",
        parse=integer(0, 1 << 40),
        default=64 << 20,
        shown="67108864 (64 MiB)",
        help="memory for parsed, validated and planned documents (kept from a document's "
        "second sighting)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PerformanceConfig:
    """Throughput knobs; see `gateway/server/serve.py` for why the GC settings help."""

    inbound_dedup: bool = setting(
        env="GATEWAY_INBOUND_DEDUP",
        parse=boolean,
        default=False,
        help="identical concurrent queries (document, variables, forwarded headers) share one run",
    )
    gc_freeze: bool = setting(
        env="GATEWAY_GC_FREEZE",
        parse=boolean,
        default=True,
        help="after start-up, exclude the long-lived schema and supergraph from garbage collection",
    )
    gc_threshold: int = setting(
        env="GATEWAY_GC_THRESHOLD",
        parse=integer(0, 100_000_000),
        default=100_000,
        help="allocations between young-generation collections (0: Python's default, 700)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphiQLConfig:
    """The in-browser IDE, served from locally installed npm packages."""

    enabled: bool = setting(
        env="GATEWAY_GRAPHIQL_ENABLED",
        parse=boolean,
        default=True,
        production=False,
        help="serve GraphiQL to browsers at the GraphQL path",
    )
    assets_dir: Path = setting(
        env="GATEWAY_GRAPHIQL_ASSETS_DIR",
        parse=path,
        default=_REPO_ROOT / ".cache" / "npm" / "node_modules",
        shown="the repository's .cache/npm/node_modules",
        help="node_modules folder holding graphiql, react and react-dom (make npm-tools)",
    )
    examples_dir: Path = setting(
        env="GATEWAY_GRAPHIQL_EXAMPLES_DIR",
        parse=path,
        default=Path("examples"),
        help="folder of `*.graphql` operations GraphiQL opens as tabs",
    )
    auth_placeholder: str | None = setting(
        env="GATEWAY_GRAPHIQL_AUTH_PLACEHOLDER",
        parse=optional_text,
        default=optional_text("Bearer <token>"),  # typed as the parser's str | None
        help="Authorization value GraphiQL's header editor starts with (sends the signed-in token)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class OverrideLabelSettings:
    """How a request turns on one custom progressive-override label (`gateway/overrides.py`).

    `percent(N)` labels need nothing: each request draws them. A custom label is off unless
    its header rule matches: only labels listed here can be switched by a client's header.
    """

    header: str | None = setting(
        env="GATEWAY_OVERRIDE_LABEL_HEADER_<NAME>",
        parse=lower_text,
        default=None,
        help="request header that turns the label on",
    )
    values: tuple[str, ...] = setting(
        env="GATEWAY_OVERRIDE_LABEL_VALUES_<NAME>",
        parse=names,
        default=(),
        help="header values that turn it on (empty: any non-empty value)",
    )
