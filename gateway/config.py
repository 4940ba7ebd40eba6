"""The gateway's settings: one frozen `Config`, built once from defaults, YAML, env and CLI flags.

Every option has a dotted YAML key and an environment variable, listed in `OPTIONS` (and in
`gateway serve --help`). Later sources win: defaults < `--config FILE` < environment < CLI flags.
Worker processes rebuild the same `Config` from the environment, which is why every option needs
a variable. Subgraph URLs and timeouts are per subgraph, so they have two variable families:

- `GATEWAY_SUBGRAPH_URL_<NAME>`: the URL to call instead of the supergraph's `@join__graph(url:)`;
- `GATEWAY_SUBGRAPH_TIMEOUT_<NAME>`: seconds to wait for that subgraph;

where `<NAME>` is the subgraph's name upper-cased, every other character than A-Z and 0-9 turned
into `_` (subgraph `accounts` -> `GATEWAY_SUBGRAPH_URL_ACCOUNTS`). A mistake in any source is a
`ConfigError` whose message names the file or variable, the key and what was expected.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from gateway.http_protocol import ConnectionLimits
from gateway.security.settings import (
    AuthConfig,
    AuthorizationConfig,
    OperationLimits,
    PersistedConfig,
    RateLimitConfig,
    SecurityConfig,
)

__all__ = [
    "OPTIONS",
    "SUBGRAPH_TIMEOUT_ENV_PREFIX",
    "SUBGRAPH_URL_ENV_PREFIX",
    "Config",
    "ConfigError",
    "CorsConfig",
    "GraphiQLConfig",
    "LimitsConfig",
    "Option",
    "PerformanceConfig",
    "SubgraphSettings",
    "load_config",
    "subgraph_env_name",
]

SUBGRAPH_URL_ENV_PREFIX = "GATEWAY_SUBGRAPH_URL_"
SUBGRAPH_TIMEOUT_ENV_PREFIX = "GATEWAY_SUBGRAPH_TIMEOUT_"
_REPO_ROOT = Path(__file__).resolve().parent.parent
Mode = Literal["dev", "production"]


class ConfigError(ValueError):
    """A setting is wrong; the message says where (file or variable), which key, what was wanted."""


class _Invalid(ValueError):
    """Raised by a parser with what it expected; the loader adds where and which key."""


Parser = Callable[[object], object]


def _integer(low: int, high: int) -> Parser:
    def parse(raw: object) -> int:
        text = raw.strip() if isinstance(raw, str) else raw
        if isinstance(text, int) and not isinstance(text, bool) and low <= text <= high:
            return text
        if isinstance(text, str) and re.fullmatch(r"-?\d+", text) and low <= int(text) <= high:
            return int(text)
        raise _Invalid(f"an integer from {low} to {high}")

    return parse


def _seconds(raw: object) -> float:
    expected = "a number of seconds greater than 0"
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise _Invalid(expected)
    try:
        value = float(raw)
    except ValueError:
        raise _Invalid(expected) from None
    if not 0 < value < 86_400:
        raise _Invalid(expected)
    return value


def _boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise _Invalid("true or false")


def _text(raw: object) -> str:
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    raise _Invalid("a non-empty string")


def _optional_text(raw: object) -> str | None:
    return None if raw is None or raw == "" else _text(raw)


def _names(raw: object) -> tuple[str, ...]:
    """A YAML list of strings, or a comma-separated string (the environment's form)."""
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise _Invalid("a list of strings (or one comma-separated string)")
    return tuple(i.strip() for i in items if i.strip())


def _optional_names(raw: object) -> tuple[str, ...] | None:
    return None if raw is None else _names(raw)


def _lower_names(raw: object) -> tuple[str, ...]:
    return tuple(name.lower() for name in _names(raw))


def _coordinates(raw: object) -> tuple[str, ...]:
    """Schema coordinates of fields, `Type.field`."""
    names = _names(raw)
    for name in names:
        kind, dot, field = name.partition(".")
        if not (dot and kind.isidentifier() and field.isidentifier()):
            raise _Invalid(f"fields as Type.field (e.g. Mutation.signIn), not {name!r}")
    return names


def _choice(*allowed: str) -> Parser:
    def parse(raw: object) -> str:
        if isinstance(raw, str) and raw.strip().lower() in allowed:
            return raw.strip().lower()
        raise _Invalid("one of " + ", ".join(allowed))

    return parse


def _path(raw: object) -> Path | None:
    return None if raw is None or raw == "" else Path(_text(raw))


def _url_path(raw: object) -> str:
    text = _text(raw)
    if not text.startswith("/") or text.endswith("/") or " " in text:
        raise _Invalid("a path starting with '/' and not ending with '/', like /graphql")
    return text


@dataclass(frozen=True, slots=True)
class Option:
    """One setting: its dotted YAML key, its environment variable, parser, default and help."""

    key: str
    env: str
    parse: Parser
    default: object
    help: str


OPTIONS: tuple[Option, ...] = (
    Option("mode", "GATEWAY_MODE", _choice("dev", "production"), "dev",
           "dev: GraphiQL, introspection and query plans on; production: off unless set"),
    Option("supergraph", "GATEWAY_SUPERGRAPH", _path, None, "supergraph SDL file to serve"),
    Option("compose.config", "GATEWAY_COMPOSE", _path, None,
           "Rover-style supergraph.yaml to compose from at start-up (instead of --supergraph)"),
    Option("compose.poll_interval", "GATEWAY_COMPOSE_POLL_INTERVAL", _seconds, 5.0,
           "dev mode: seconds between recompositions from live subgraphs"),
    Option("server.host", "GATEWAY_HOST", _text, "127.0.0.1", "interface to listen on"),
    Option("server.port", "GATEWAY_PORT", _integer(1, 65535), 4000, "TCP port to listen on"),
    Option("server.workers", "GATEWAY_WORKERS", _integer(1, 512), 1, "worker processes"),
    Option("server.graphql_path", "GATEWAY_GRAPHQL_PATH", _url_path, "/graphql",
           "path of the GraphQL endpoint (and GraphiQL)"),
    Option("server.shutdown_timeout", "GATEWAY_SHUTDOWN_TIMEOUT", _seconds, 30.0,
           "on SIGTERM, seconds to let requests in flight finish"),
    Option("server.header_timeout", "GATEWAY_HEADER_TIMEOUT", _seconds, 10.0,
           "seconds a client may take to send a request's line and headers (then 408)"),
    Option("server.body_timeout", "GATEWAY_BODY_TIMEOUT", _seconds, 30.0,
           "seconds a client may take to send a request's whole body (then 408)"),
    Option("server.max_connections", "GATEWAY_MAX_CONNECTIONS", _integer(1, 1_000_000), 1000,
           "open connections per process; more are closed at once (503 for requests when full)"),
    Option("server.log_level", "GATEWAY_LOG_LEVEL",
           _choice("critical", "error", "warning", "info", "debug"), "info", "log level"),
    Option("subgraph_timeout", "GATEWAY_SUBGRAPH_TIMEOUT", _seconds, 30.0,
           "default seconds to wait for one subgraph request"),
    Option("request_timeout", "GATEWAY_REQUEST_TIMEOUT", _seconds, 8.0,
           "seconds one whole operation may take; then partial data and GATEWAY_TIMEOUT"),
    Option("readiness.subgraphs", "GATEWAY_READINESS_SUBGRAPHS", _optional_names, None,
           "subgraphs that must answer for /ready to be 200 (default: all; empty: none)"),
    Option("headers.forward", "GATEWAY_FORWARD_HEADERS", _lower_names, (),
           "client request headers forwarded to every subgraph (none unless listed)"),
    Option("cors.allow_origins", "GATEWAY_CORS_ALLOW_ORIGINS", _names, (),
           "origins allowed by CORS ('*' for any); empty: CORS off"),
    Option("cors.allow_credentials", "GATEWAY_CORS_ALLOW_CREDENTIALS", _boolean, False,
           "allow cookies and Authorization on cross-origin requests"),
    Option("cors.allow_headers", "GATEWAY_CORS_ALLOW_HEADERS", _names,
           ("content-type", "authorization", "apollo-require-preflight"),
           "request headers a cross-origin client may send"),
    Option("cors.max_age", "GATEWAY_CORS_MAX_AGE", _integer(0, 86_400), 600,
           "seconds a browser may cache a preflight answer"),
    Option("limits.max_body_bytes", "GATEWAY_LIMITS_MAX_BODY_BYTES",
           _integer(256, 1 << 30), 2_000_000, "largest request body accepted (413 above it)"),
    Option("limits.max_document_bytes", "GATEWAY_LIMITS_MAX_DOCUMENT_BYTES",
           _integer(0, 1 << 30), 262_144,
           "largest GraphQL document (UTF-8 bytes) parsed, apart from variables (0: no limit)"),
    Option("limits.max_depth", "GATEWAY_LIMITS_MAX_DEPTH", _integer(0, 100_000), 20,
           "deepest field nesting an operation may have (0: no limit)"),
    Option("limits.max_aliases", "GATEWAY_LIMITS_MAX_ALIASES", _integer(0, 100_000), 50,
           "most aliases an operation may use (0: no limit)"),
    Option("limits.max_root_fields", "GATEWAY_LIMITS_MAX_ROOT_FIELDS", _integer(0, 100_000), 30,
           "most root fields an operation may select (0: no limit)"),
    Option("limits.max_tokens", "GATEWAY_LIMITS_MAX_TOKENS", _integer(0, 10_000_000), 10_000,
           "most lexical tokens a document may have (0: no limit)"),
    Option("limits.max_cost", "GATEWAY_LIMITS_MAX_COST", _integer(0, 1_000_000_000), 0,
           "largest estimated cost from @cost/@listSize (0: no limit)"),
    Option("limits.default_list_size", "GATEWAY_LIMITS_DEFAULT_LIST_SIZE",
           _integer(0, 1_000_000), 10, "list size assumed for cost without @listSize or slicing"),
    Option("auth.jwks_url", "GATEWAY_AUTH_JWKS_URL", _optional_text, None,
           "JWKS URL to verify bearer tokens against; empty: authentication off"),
    Option("auth.required", "GATEWAY_AUTH_REQUIRED", _boolean, False,
           "refuse requests without a token (401 UNAUTHENTICATED)"),
    Option("auth.issuer", "GATEWAY_AUTH_ISSUER", _optional_text, None,
           "required `iss` claim; empty: not checked"),
    Option("auth.audience", "GATEWAY_AUTH_AUDIENCE", _optional_text, None,
           "required `aud` claim; empty: not checked"),
    Option("authorization.enabled", "GATEWAY_AUTHORIZATION_ENABLED", _boolean, True,
           "enforce @authenticated/@requiresScopes/@policy (when auth.jwks_url is set)"),
    Option("authorization.reject_unauthorized", "GATEWAY_AUTHORIZATION_REJECT", _boolean, False,
           "refuse the whole request (403) instead of nulling unauthorised fields"),
    Option("authorization.policy_hook", "GATEWAY_AUTHORIZATION_POLICY_HOOK", _optional_text,
           None, "module:function deciding @policy (default: every policy refused)"),
    Option("persisted.apq", "GATEWAY_APQ", _boolean, True,
           "automatic persisted queries (sha256Hash, PersistedQueryNotFound)"),
    Option("persisted.manifest", "GATEWAY_PERSISTED_MANIFEST", _path, None,
           "trusted documents: a persisted-query manifest (JSON) whose ids clients send"),
    Option("persisted.safelist", "GATEWAY_PERSISTED_SAFELIST", _boolean, False,
           "with a manifest: run only its documents"),
    Option("rate_limit.requests", "GATEWAY_RATE_LIMIT_REQUESTS", _integer(0, 1_000_000_000), 0,
           "requests per client per window (0: no limit)"),
    Option("rate_limit.window", "GATEWAY_RATE_LIMIT_WINDOW", _integer(1, 86_400), 60,
           "seconds in one rate-limit window"),
    Option("rate_limit.client_header", "GATEWAY_RATE_LIMIT_CLIENT_HEADER", _text, "x-client-id",
           "header naming the client when there is no token subject"),
    Option("rate_limit.fields", "GATEWAY_RATE_LIMIT_FIELDS", _coordinates, (),
           "root fields (Type.field) with a limit of their own per client address"),
    Option("rate_limit.field_requests", "GATEWAY_RATE_LIMIT_FIELD_REQUESTS",
           _integer(0, 1_000_000_000), 0,
           "selections of rate_limit.fields per client address per window (0: no limit)"),
    Option("rate_limit.forward_client_address", "GATEWAY_FORWARD_CLIENT_ADDRESS", _boolean, False,
           "send subgraphs the client's address as X-Forwarded-For (replacing the client's)"),
    Option("redis.url", "GATEWAY_REDIS_URL", _optional_text, None,
           "Redis shared by replicas for APQ and rate limits (empty: in memory)"),
    Option("security.introspection", "GATEWAY_INTROSPECTION", _boolean, None,
           "answer __schema/__type (default: in dev mode)"),
    Option("security.csrf_prevention", "GATEWAY_CSRF_PREVENTION", _boolean, None,
           "refuse requests a browser could send cross-site unasked (default: in production)"),
    Option("security.csrf_headers", "GATEWAY_CSRF_HEADERS", _lower_names,
           ("apollo-require-preflight", "x-apollo-operation-name"),
           "headers that prove a CORS preflight happened"),
    Option("security.mask_errors", "GATEWAY_MASK_ERRORS", _boolean, None,
           "hide subgraph internals in errors (default: in production)"),
    Option("security.error_extensions", "GATEWAY_ERROR_EXTENSIONS", _names,
           ("code", "serviceName", "retryAfter"), "error extensions kept when errors are masked"),
    Option("query_plan.expose", "GATEWAY_QUERY_PLAN_EXPOSE", _boolean, None,
           "return the query plan in extensions when asked by header (default: in dev mode)"),
    Option("query_plan.header", "GATEWAY_QUERY_PLAN_HEADER", _text,
           "apollo-query-plan-experimental", "request header that asks for the query plan"),
    Option("documents.cache_bytes", "GATEWAY_DOCUMENT_CACHE_BYTES", _integer(0, 1 << 40),
           64 << 20, "bytes of parsed, validated and planned documents kept in memory"),
    Option("performance.inbound_dedup", "GATEWAY_INBOUND_DEDUP", _boolean, False,
           "identical concurrent queries (document, variables, forwarded headers) share one run"),
    Option("performance.gc_freeze", "GATEWAY_GC_FREEZE", _boolean, True,
           "after start-up, exclude the long-lived schema and supergraph from garbage collection"),
    Option("performance.gc_threshold", "GATEWAY_GC_THRESHOLD", _integer(0, 100_000_000), 100_000,
           "allocations between young-generation collections (0: Python's default, 700)"),
    Option("graphiql.enabled", "GATEWAY_GRAPHIQL_ENABLED", _boolean, None,
           "serve GraphiQL to browsers at the GraphQL path (default: in dev mode)"),
    Option("graphiql.assets_dir", "GATEWAY_GRAPHIQL_ASSETS_DIR", _path,
           _REPO_ROOT / ".cache" / "npm" / "node_modules",
           "node_modules folder holding graphiql, react and react-dom (make npm-tools)"),
    Option("graphiql.examples_dir", "GATEWAY_GRAPHIQL_EXAMPLES_DIR", _path, Path("examples"),
           "folder of *.graphql operations GraphiQL opens as tabs"),
    Option("graphiql.auth_placeholder", "GATEWAY_GRAPHIQL_AUTH_PLACEHOLDER", _optional_text,
           "Bearer <token>", "Authorization value GraphiQL's header editor starts with"),
)  # fmt: skip
_BY_KEY = {option.key: option for option in OPTIONS}
_PATH_KEYS = frozenset(o.key for o in OPTIONS if o.parse is _path)


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphSettings:
    """Overrides for one subgraph; None keeps the supergraph's URL or the default timeout."""

    url: str | None = None
    timeout: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CorsConfig:
    """Cross-origin settings; CORS is off while `allow_origins` is empty."""

    allow_origins: tuple[str, ...]
    allow_credentials: bool
    allow_headers: tuple[str, ...]
    max_age: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitsConfig:
    """Request limits; the operation limits of the security work belong here too."""

    max_body_bytes: int
    max_document_bytes: int
    """Apart from the body's: variables may be large (uploads, batches of input) where a
    document never needs to be (see the README's limits table for the default)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphiQLConfig:
    """The in-browser IDE, served from locally installed npm packages."""

    enabled: bool
    assets_dir: Path
    examples_dir: Path
    auth_placeholder: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PerformanceConfig:
    """Throughput knobs; see `gateway/server/serve.py` for why the GC settings help."""

    inbound_dedup: bool = False
    gc_freeze: bool = True
    gc_threshold: int = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """Everything the gateway process needs, resolved once (defaults live in `OPTIONS`)."""

    mode: Mode
    source: Path | None
    supergraph: Path | None
    compose: Path | None
    compose_poll_interval: float
    host: str
    port: int
    workers: int
    graphql_path: str
    shutdown_timeout: float
    connections: ConnectionLimits
    log_level: str
    subgraph_timeout: float
    request_timeout: float
    """The end-to-end deadline. 8 s by default: under the 10 s read timeout of common mobile
    HTTP clients (OkHttp's default), so the client gets partial data with GATEWAY_TIMEOUT
    errors rather than giving up on the whole answer; sequential subgraph timeouts alone
    once added up to 50 s."""
    subgraphs: Mapping[str, SubgraphSettings]
    readiness_subgraphs: tuple[str, ...] | None
    """Subgraphs `/ready` requires to answer; None: every subgraph of the supergraph."""
    forward_headers: tuple[str, ...]
    cors: CorsConfig
    limits: LimitsConfig
    expose_query_plan: bool
    query_plan_header: str
    document_cache_bytes: int
    graphiql: GraphiQLConfig
    auth: AuthConfig
    authorization: AuthorizationConfig
    operation_limits: OperationLimits
    persisted: PersistedConfig
    rate_limit: RateLimitConfig
    security: SecurityConfig
    performance: PerformanceConfig = PerformanceConfig()

    @property
    def dev(self) -> bool:
        return self.mode == "dev"

    def subgraph_url(self, name: str, default: str) -> str:
        """The URL to call for subgraph `name`: an override, or the supergraph's own."""
        settings = self.subgraphs.get(subgraph_env_name(name))
        return settings.url if settings is not None and settings.url else default

    def timeout_for(self, name: str) -> float:
        settings = self.subgraphs.get(subgraph_env_name(name))
        if settings is not None and settings.timeout is not None:
            return settings.timeout
        return self.subgraph_timeout


def subgraph_env_name(name: str) -> str:
    """`<NAME>` in `GATEWAY_SUBGRAPH_URL_<NAME>`: upper case, other characters as `_`."""
    return re.sub(r"[^A-Z0-9]", "_", name.upper())


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config file: {error.strerror}") from None
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or "unreadable"
        raise ConfigError(f"{path}: not valid YAML{where}: {problem}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    return loaded


def _flatten(path: Path, data: Mapping[str, Any], prefix: str = "") -> dict[str, object]:
    """Nested YAML -> {dotted key: value}, refusing keys no option has."""
    flat: dict[str, object] = {}
    sections = {key.split(".")[0] for key in _BY_KEY if "." in key}
    for raw_key, value in data.items():
        key = f"{prefix}{raw_key}"
        if key == "subgraphs" or key in _BY_KEY:
            flat[key] = value
        elif not prefix and raw_key in sections:
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: key '{key}': expected a mapping of {key} settings")
            flat.update(_flatten(path, value, f"{raw_key}."))
        else:
            known = sorted(k for k in (*_BY_KEY, "subgraphs") if k.startswith(prefix))
            raise ConfigError(
                f"{path}: key '{key}': unknown setting; expected one of {', '.join(known)}"
            )
    return flat


def _subgraphs_from_yaml(path: Path, raw: object) -> dict[str, SubgraphSettings]:
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{path}: key 'subgraphs': expected a mapping of subgraph name to settings"
        )
    found: dict[str, SubgraphSettings] = {}
    for name, entry in raw.items():
        key = f"subgraphs.{name}"
        if not isinstance(entry, dict) or not set(entry) <= {"url", "timeout"}:
            raise ConfigError(
                f"{path}: key '{key}': expected a mapping with 'url' and/or 'timeout'"
            )
        found[subgraph_env_name(str(name))] = SubgraphSettings(
            url=_parse(_url, entry.get("url"), f"{path}: key '{key}.url'"),
            timeout=_parse(_optional_seconds, entry.get("timeout"), f"{path}: key '{key}.timeout'"),
        )
    return found


def _url(raw: object) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, str) and re.match(r"^https?://[^\s/]+", raw.strip()):
        return raw.strip()
    raise _Invalid("an http:// or https:// URL")


def _optional_seconds(raw: object) -> float | None:
    return None if raw is None else _seconds(raw)


def _parse(parser: Parser, raw: object, where: str) -> Any:
    try:
        return parser(raw)
    except _Invalid as error:
        raise ConfigError(f"{where}: expected {error}, got {raw!r}") from None


def _subgraphs_from_env(
    environ: Mapping[str, str], found: dict[str, SubgraphSettings]
) -> dict[str, SubgraphSettings]:
    merged = dict(found)
    for variable, value in environ.items():
        for prefix, field in (
            (SUBGRAPH_URL_ENV_PREFIX, "url"),
            (SUBGRAPH_TIMEOUT_ENV_PREFIX, "timeout"),
        ):
            if variable.startswith(prefix) and len(variable) > len(prefix):
                name = subgraph_env_name(variable[len(prefix) :])
                parser = _url if field == "url" else _optional_seconds
                parsed = _parse(parser, value, f"environment variable {variable}")
                current = merged.get(name, SubgraphSettings())
                merged[name] = SubgraphSettings(
                    url=parsed if field == "url" else current.url,
                    timeout=parsed if field == "timeout" else current.timeout,
                )
    return merged


def _collect(
    config_file: Path | None, environ: Mapping[str, str], overrides: Mapping[str, object]
) -> tuple[dict[str, object], dict[str, SubgraphSettings]]:
    values: dict[str, object] = {option.key: option.default for option in OPTIONS}
    subgraphs: dict[str, SubgraphSettings] = {}
    if config_file is not None:
        for key, raw in _flatten(config_file, _read_yaml(config_file)).items():
            if key == "subgraphs":
                subgraphs = _subgraphs_from_yaml(config_file, raw)
                continue
            value = _parse(_BY_KEY[key].parse, raw, f"{config_file}: key '{key}'")
            if key in _PATH_KEYS and isinstance(value, Path) and not value.is_absolute():
                value = config_file.resolve().parent / value
            values[key] = value
    for option in OPTIONS:
        if option.env in environ:
            where = f"environment variable {option.env}"
            values[option.key] = _parse(option.parse, environ[option.env], where)
    for key, raw in overrides.items():
        if raw is not None:
            values[key] = _parse(_BY_KEY[key].parse, raw, f"command-line option for '{key}'")
    return values, _subgraphs_from_env(environ, subgraphs)


def load_config(
    config_file: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Config:
    """Build the `Config`; `overrides` (dotted key -> value) are CLI flags and win over all.

    Without `config_file`, `GATEWAY_CONFIG` in the environment names one.
    """
    env = os.environ if environ is None else environ
    file_name = config_file if config_file is not None else env.get("GATEWAY_CONFIG") or None
    path = Path(file_name) if file_name is not None else None
    values, subgraphs = _collect(path, env, overrides or {})
    mode: Mode = "dev" if values["mode"] == "dev" else "production"
    dev = mode == "dev"

    def pick(key: str) -> Any:
        return values[key]

    def or_dev(key: str) -> bool:
        value = values[key]
        return dev if value is None else bool(value)

    return Config(
        mode=mode,
        source=path,
        supergraph=pick("supergraph"),
        compose=pick("compose.config"),
        compose_poll_interval=pick("compose.poll_interval"),
        host=pick("server.host"),
        port=pick("server.port"),
        workers=pick("server.workers"),
        graphql_path=pick("server.graphql_path"),
        shutdown_timeout=pick("server.shutdown_timeout"),
        connections=ConnectionLimits(
            header_timeout=pick("server.header_timeout"),
            body_timeout=pick("server.body_timeout"),
            max_connections=pick("server.max_connections"),
        ),
        log_level=pick("server.log_level"),
        subgraph_timeout=pick("subgraph_timeout"),
        request_timeout=pick("request_timeout"),
        subgraphs=MappingProxyType(subgraphs),
        readiness_subgraphs=pick("readiness.subgraphs"),
        forward_headers=pick("headers.forward"),
        cors=CorsConfig(
            allow_origins=pick("cors.allow_origins"),
            allow_credentials=pick("cors.allow_credentials"),
            allow_headers=pick("cors.allow_headers"),
            max_age=pick("cors.max_age"),
        ),
        limits=LimitsConfig(
            max_body_bytes=pick("limits.max_body_bytes"),
            max_document_bytes=pick("limits.max_document_bytes"),
        ),
        expose_query_plan=or_dev("query_plan.expose"),
        query_plan_header=str(pick("query_plan.header")).lower(),
        document_cache_bytes=pick("documents.cache_bytes"),
        performance=PerformanceConfig(
            inbound_dedup=pick("performance.inbound_dedup"),
            gc_freeze=pick("performance.gc_freeze"),
            gc_threshold=pick("performance.gc_threshold"),
        ),
        graphiql=GraphiQLConfig(
            enabled=or_dev("graphiql.enabled"),
            assets_dir=pick("graphiql.assets_dir"),
            examples_dir=pick("graphiql.examples_dir"),
            auth_placeholder=pick("graphiql.auth_placeholder"),
        ),
        **_security_settings(pick, or_dev),
    )


def _security_settings(pick: Callable[[str], Any], or_dev: Callable[[str], bool]) -> dict[str, Any]:
    """The `auth`, `limits.max_*` and `security` sections (see `gateway/security/`)."""

    def or_production(key: str) -> bool:
        return not or_dev(key) if pick(key) is None else bool(pick(key))

    return {
        "auth": AuthConfig(
            jwks_url=pick("auth.jwks_url"),
            required=pick("auth.required"),
            issuer=pick("auth.issuer"),
            audience=pick("auth.audience"),
        ),
        "authorization": AuthorizationConfig(
            enabled=pick("authorization.enabled"),
            reject_unauthorized=pick("authorization.reject_unauthorized"),
            policy_hook=pick("authorization.policy_hook"),
        ),
        "persisted": PersistedConfig(
            apq=pick("persisted.apq"),
            manifest=pick("persisted.manifest"),
            safelist=pick("persisted.safelist"),
            redis_url=pick("redis.url"),
        ),
        "rate_limit": RateLimitConfig(
            requests=pick("rate_limit.requests"),
            window_seconds=pick("rate_limit.window"),
            client_header=str(pick("rate_limit.client_header")).lower(),
            redis_url=pick("redis.url"),
            fields=frozenset(pick("rate_limit.fields")),
            field_requests=pick("rate_limit.field_requests"),
            forward_client_address=pick("rate_limit.forward_client_address"),
        ),
        "operation_limits": OperationLimits(
            max_depth=pick("limits.max_depth"),
            max_aliases=pick("limits.max_aliases"),
            max_root_fields=pick("limits.max_root_fields"),
            max_tokens=pick("limits.max_tokens"),
            max_cost=pick("limits.max_cost"),
            default_list_size=pick("limits.default_list_size"),
        ),
        "security": SecurityConfig(
            introspection=or_dev("security.introspection"),
            csrf_prevention=or_production("security.csrf_prevention"),
            csrf_headers=pick("security.csrf_headers"),
            mask_errors=or_production("security.mask_errors"),
            error_extensions=pick("security.error_extensions"),
        ),
    }
