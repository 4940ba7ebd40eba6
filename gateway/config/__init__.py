"""The gateway's settings: declared once as a typed, frozen `Config`, built once from its sources.

- `model.py`, `sections.py`, `security.py`, `batching.py`: the declaration. Each setting is one
  dataclass field whose default is `setting(env=..., parse=..., help=...)`; code reads attributes
  (`config.limits.max_depth`), so a misspelt key fails mypy.
- `declare.py`: `setting()` and the walk over the declaration (`specs`, `families`).
- `parsers.py`: raw text or YAML value -> typed value, or what was expected.
- `sources.py`: `load_config`: defaults < `--config FILE` (YAML) < environment (`GATEWAY_*`) <
  CLI flags; worker processes rebuild the same `Config` from the environment. Subgraph URLs and
  timeouts are per subgraph: `GATEWAY_SUBGRAPH_URL_<NAME>` and `GATEWAY_SUBGRAPH_TIMEOUT_<NAME>`,
  `<NAME>` the name upper-cased with every character other than A-Z and 0-9 as `_`.
- `render.py`: `gateway serve --help`, its flags, and the README's settings table.

A mistake in any source is a `ConfigError` naming the file or variable, the key and what was
expected. Adding a setting is one field in one section; nothing else names it.
"""

from gateway.config.apps import AppSettings
from gateway.config.batching import BatchingConfig
from gateway.config.caching import EntityCacheConfig
from gateway.config.contracts import ContractSettings
from gateway.config.declare import subgraph_env_name
from gateway.config.model import Config
from gateway.config.observability import (
    ClientsConfig,
    LogsConfig,
    MetricsConfig,
    TelemetryConfig,
)
from gateway.config.parsers import Mode
from gateway.config.plugins import PluginRef
from gateway.config.resilience import BreakerConfig, ReloadConfig, RetryConfig
from gateway.config.sections import (
    ComposeConfig,
    CorsConfig,
    DocumentsConfig,
    GraphiQLConfig,
    HeadersConfig,
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
from gateway.config.sources import ConfigError, load_config
from gateway.config.subscriptions import SubscriptionsConfig
from gateway.config.uploads import UploadsConfig

__all__ = [
    "AppSettings",
    "AuthConfig",
    "AuthorizationConfig",
    "BatchingConfig",
    "BreakerConfig",
    "ClientsConfig",
    "ComposeConfig",
    "Config",
    "ConfigError",
    "ContractSettings",
    "CorsConfig",
    "DocumentsConfig",
    "EntityCacheConfig",
    "GraphiQLConfig",
    "HeadersConfig",
    "LimitsConfig",
    "LogsConfig",
    "MetricsConfig",
    "Mode",
    "PerformanceConfig",
    "PersistedConfig",
    "PluginRef",
    "QueryPlanConfig",
    "RateLimitConfig",
    "ReadinessConfig",
    "RedisConfig",
    "ReloadConfig",
    "RetryConfig",
    "SecurityConfig",
    "ServerConfig",
    "SubgraphSettings",
    "SubscriptionsConfig",
    "TelemetryConfig",
    "UploadsConfig",
    "load_config",
    "subgraph_env_name",
]
