"""`Config`: every setting of the gateway, one frozen value built once (see `sources.py`).

The top-level settings are fields here; the others sit in one section per YAML section
(`sections.py`, `security.py`). Field names are the YAML keys, so `config.limits.max_depth` is
`limits.max_depth` in the file, and a key misspelt in code fails mypy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gateway.config.apps import AppSettings
from gateway.config.batching import BatchingConfig
from gateway.config.caching import EntityCacheConfig
from gateway.config.contracts import ContractSettings
from gateway.config.declare import family, section, setting, subgraph_env_name
from gateway.config.observability import (
    ClientsConfig,
    LogsConfig,
    MetricsConfig,
    TelemetryConfig,
)
from gateway.config.parsers import Mode, integer, mode, optional_path, seconds
from gateway.config.plugins import PluginRef, plugin_refs
from gateway.config.resilience import BreakerConfig, ReloadConfig, RetryConfig
from gateway.config.sections import (
    ComposeConfig,
    CorsConfig,
    DocumentsConfig,
    GraphiQLConfig,
    HeadersConfig,
    OverrideLabelSettings,
    PerformanceConfig,
    QueryPlanConfig,
    ReadinessConfig,
    ServerConfig,
    SubgraphSettings,
)
from gateway.config.security import (
    AuthConfig,
    AuthorizationConfig,
    LimitsConfig,
    PersistedConfig,
    RateLimitConfig,
    RedisConfig,
    SecurityConfig,
)
from gateway.config.subscriptions import SubscriptionsConfig
from gateway.config.uploads import UploadsConfig

__all__ = ["Config"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """Everything the gateway process needs; `Config()` is every default, in dev mode."""

    mode: Mode = setting(
        env="GATEWAY_MODE",
        parse=mode,
        default="dev",
        switches=("dev", "production"),
        help="dev: GraphiQL, introspection and query plans on; production: off unless set",
    )
    supergraph: Path | None = setting(
        env="GATEWAY_SUPERGRAPH",
        parse=optional_path,
        default=None,
        flag="--supergraph",
        metavar="FILE",
        exclusive="source",
        help="supergraph SDL file to serve",
    )
    compose: ComposeConfig = section(ComposeConfig)
    server: ServerConfig = section(ServerConfig)
    subgraph_timeout: float = setting(
        env="GATEWAY_SUBGRAPH_TIMEOUT",
        parse=seconds,
        default=30.0,
        help="default seconds to wait for one subgraph request, its retries included",
    )
    subgraph_connect_timeout: float = setting(
        env="GATEWAY_SUBGRAPH_CONNECT_TIMEOUT",
        parse=seconds,
        default=2.0,
        help="default seconds to open a connection to a subgraph",
    )
    """2 s: a connection inside a cluster opens in milliseconds, and 2 s leaves room for one
    lost SYN (Linux resends it after 1 s) while a host that dropped off the network fails
    fast enough to leave the request most of its 8 s deadline."""
    subgraph_max_connections: int = setting(
        env="GATEWAY_SUBGRAPH_MAX_CONNECTIONS",
        parse=integer(1, 100_000),
        default=256,
        help="default connections (requests in flight) to one subgraph at once; more wait",
    )
    request_timeout: float = setting(
        env="GATEWAY_REQUEST_TIMEOUT",
        parse=seconds,
        default=8.0,
        flag="--request-timeout",
        metavar="SECONDS",
        help="seconds one whole operation may take; then partial data and GATEWAY_TIMEOUT",
    )
    """The end-to-end deadline. 8 s by default: under the 10 s read timeout of common mobile
    HTTP clients (OkHttp's default), so the client gets partial data with GATEWAY_TIMEOUT
    errors rather than giving up on the whole answer; sequential subgraph timeouts alone
    once added up to 50 s."""
    subgraphs: Mapping[str, SubgraphSettings] = family(
        SubgraphSettings,
        help="per subgraph: `<NAME>` is its name upper-cased, other characters than A-Z and 0-9 "
        "as `_` (accounts: `GATEWAY_SUBGRAPH_URL_ACCOUNTS`)",
    )
    override_labels: Mapping[str, OverrideLabelSettings] = family(
        OverrideLabelSettings,
        help="per custom @override label: `<NAME>` is the label upper-cased, other characters "
        "than A-Z and 0-9 as `_` (beta-billing: `GATEWAY_OVERRIDE_LABEL_HEADER_BETA_BILLING`)",
    )
    contracts: Mapping[str, ContractSettings] = family(
        ContractSettings,
        help="per contract (`gateway compose --contract NAME`, served at its `path`): `<NAME>` "
        "is its name upper-cased, other characters than A-Z and 0-9 as `_`",
    )
    apps: Mapping[str, AppSettings] = family(
        AppSettings,
        help="per client app (the token's app, else the apollographql-client-name header; see "
        "Partner integrations): `<NAME>` is its name upper-cased, other characters than A-Z "
        "and 0-9 as `_`",
    )
    plugins: tuple[PluginRef, ...] = setting(
        env="GATEWAY_PLUGINS",
        parse=plugin_refs,
        default=(),
        flag="--plugin",
        metavar="MODULE:ATTRIBUTE",
        repeatable=True,
        shown="none",
        help="plugins to load, in order: `module:attribute`, or in YAML "
        "`{use: module:attribute, config: {...}}` (see Plugins)",
    )
    readiness: ReadinessConfig = section(ReadinessConfig)
    reload: ReloadConfig = section(ReloadConfig)
    subscriptions: SubscriptionsConfig = section(SubscriptionsConfig)
    breaker: BreakerConfig = section(BreakerConfig)
    retry: RetryConfig = section(RetryConfig)
    headers: HeadersConfig = section(HeadersConfig)
    cors: CorsConfig = section(CorsConfig)
    limits: LimitsConfig = section(LimitsConfig)
    batching: BatchingConfig = section(BatchingConfig)
    uploads: UploadsConfig = section(UploadsConfig)
    auth: AuthConfig = section(AuthConfig)
    authorization: AuthorizationConfig = section(AuthorizationConfig)
    persisted: PersistedConfig = section(PersistedConfig)
    rate_limit: RateLimitConfig = section(RateLimitConfig)
    redis: RedisConfig = section(RedisConfig)
    entity_cache: EntityCacheConfig = section(EntityCacheConfig)
    security: SecurityConfig = section(SecurityConfig)
    query_plan: QueryPlanConfig = section(QueryPlanConfig)
    documents: DocumentsConfig = section(DocumentsConfig)
    performance: PerformanceConfig = section(PerformanceConfig)
    graphiql: GraphiQLConfig = section(GraphiQLConfig)
    telemetry: TelemetryConfig = section(TelemetryConfig)
    metrics: MetricsConfig = section(MetricsConfig)
    clients: ClientsConfig = section(ClientsConfig)
    logs: LogsConfig = section(LogsConfig)
    source: Path | None = None
    """The YAML file the settings were read from (not a setting itself)."""

    @property
    def dev(self) -> bool:
        return self.mode == "dev"

    def subgraph_url(self, name: str, default: str) -> str:
        """The URL to call for subgraph `name`: an override, or the supergraph's own."""
        settings = self.subgraphs.get(subgraph_env_name(name))
        return settings.url if settings is not None and settings.url else default

    def override_rule(self, label: str) -> OverrideLabelSettings | None:
        """How a request turns on the custom override label `label`, if the settings say."""
        settings = self.override_labels.get(subgraph_env_name(label))
        return settings if settings is not None and settings.header else None

    def contract(self, name: str) -> ContractSettings | None:
        """The settings of contract `name` (`contracts.<name>`), if declared."""
        return self.contracts.get(subgraph_env_name(name))

    def app(self, name: str) -> AppSettings | None:
        """The own limits of client app `name` (`apps.<name>`), if declared."""
        return self.apps.get(subgraph_env_name(name))

    def connect_timeout_for(self, name: str) -> float:
        settings = self.subgraphs.get(subgraph_env_name(name))
        if settings is not None and settings.connect_timeout is not None:
            return settings.connect_timeout
        return self.subgraph_connect_timeout

    def max_connections_for(self, name: str) -> int:
        settings = self.subgraphs.get(subgraph_env_name(name))
        if settings is not None and settings.max_connections is not None:
            return settings.max_connections
        return self.subgraph_max_connections

    def cache_ttl_for(self, name: str) -> float:
        """Seconds an entity-cache entry of subgraph `name` lives without a max-age."""
        settings = self.subgraphs.get(subgraph_env_name(name))
        if settings is not None and settings.cache_ttl is not None:
            return settings.cache_ttl
        return self.entity_cache.ttl

    def timeout_for(self, name: str) -> float:
        settings = self.subgraphs.get(subgraph_env_name(name))
        if settings is not None and settings.timeout is not None:
            return settings.timeout
        return self.subgraph_timeout
