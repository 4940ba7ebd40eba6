"""The resilience and reload sections: circuit breakers, retries and supergraph hot reload.

Each class is one YAML section, each field one setting declared once with `setting()` (see
`gateway/config/declare.py`). Breakers, retry budgets and connection limits are kept per
subgraph (`gateway/transports/breaker.py`, `retry.py`); these settings are their defaults,
chosen after Envoy's outlier detection, Hystrix's breaker and Linkerd's retry budget (the
README's "Resilience and reload" section says which comes from where).
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config.declare import setting
from gateway.config.parsers import boolean, integer, seconds

__all__ = ["BreakerConfig", "ReloadConfig", "RetryConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReloadConfig:
    """Serving a changed `--supergraph` file without a restart (`gateway/server/reload.py`)."""

    watch: bool = setting(
        env="GATEWAY_RELOAD_WATCH",
        parse=boolean,
        default=True,
        help="watch the --supergraph file (also replaced by rename, as Kubernetes does) and "
        "serve a valid new version; SIGHUP reloads too",
    )
    poll_interval: float = setting(
        env="GATEWAY_RELOAD_POLL_INTERVAL",
        parse=seconds,
        default=1.0,
        help="seconds between checks of the supergraph file's inode, size and mtime",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakerConfig:
    """One circuit breaker per subgraph: while open, its fetches fail at once."""

    consecutive_failures: int = setting(
        env="GATEWAY_BREAKER_CONSECUTIVE_FAILURES",
        parse=integer(0, 1_000_000),
        default=5,
        help="failures in a row (connection errors, timeouts, 5xx) that open a subgraph's "
        "circuit (0: never on this count)",
    )
    failure_rate: int = setting(
        env="GATEWAY_BREAKER_FAILURE_RATE",
        parse=integer(0, 100),
        default=50,
        help="percent of failed requests in the window that opens the circuit (0: off)",
    )
    minimum_requests: int = setting(
        env="GATEWAY_BREAKER_MINIMUM_REQUESTS",
        parse=integer(1, 1_000_000),
        default=20,
        help="requests in the window before the failure rate is judged",
    )
    window: float = setting(
        env="GATEWAY_BREAKER_WINDOW",
        parse=seconds,
        default=10.0,
        help="seconds over which the failure rate is measured",
    )
    cooldown: float = setting(
        env="GATEWAY_BREAKER_COOLDOWN",
        parse=seconds,
        default=5.0,
        help="seconds an open circuit waits before letting one probe request through",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryConfig:
    """Retries of failed subgraph queries (never mutations), bounded by a budget."""

    max_retries: int = setting(
        env="GATEWAY_RETRY_MAX_RETRIES",
        parse=integer(0, 10),
        default=2,
        help="retries of one subgraph query after a connection failure or 502/503/504 "
        "(0: off; mutations are never retried)",
    )
    budget_percent: int = setting(
        env="GATEWAY_RETRY_BUDGET_PERCENT",
        parse=integer(0, 100),
        default=20,
        help="retries allowed per subgraph, as a percent of its requests in the budget window",
    )
    min_per_second: int = setting(
        env="GATEWAY_RETRY_MIN_PER_SECOND",
        parse=integer(0, 100_000),
        default=10,
        help="retries per second allowed per subgraph whatever the percent (low traffic)",
    )
    budget_window: float = setting(
        env="GATEWAY_RETRY_BUDGET_WINDOW",
        parse=seconds,
        default=10.0,
        help="seconds over which requests and retries are counted for the budget",
    )
    backoff_base: float = setting(
        env="GATEWAY_RETRY_BACKOFF_BASE",
        parse=seconds,
        default=0.025,
        help="first retry's backoff ceiling in seconds; doubles per retry, fully jittered",
    )
    backoff_max: float = setting(
        env="GATEWAY_RETRY_BACKOFF_MAX",
        parse=seconds,
        default=0.25,
        help="largest backoff ceiling in seconds",
    )
