"""Per-app settings: limits for one client app (partner), named as `gateway/clients.py` finds it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gateway.config.declare import setting
from gateway.config.parsers import optional_integer, optional_path

__all__ = ["AppSettings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AppSettings:
    """One app's own limits, on top of the per-client ones (`rate_limit`, `limits`)."""

    requests: int | None = setting(
        env="GATEWAY_APP_REQUESTS_<NAME>",
        parse=optional_integer(0, 1_000_000_000),
        default=None,
        help="requests the whole app may send per rate_limit.window (429 RATE_LIMITED)",
    )
    max_cost: int | None = setting(
        env="GATEWAY_APP_MAX_COST_<NAME>",
        parse=optional_integer(0, 1_000_000_000),
        default=None,
        help="largest estimated cost of one of the app's operations (COST_LIMIT_EXCEEDED)",
    )
    cost_budget: int | None = setting(
        env="GATEWAY_APP_COST_BUDGET_<NAME>",
        parse=optional_integer(0, 1_000_000_000),
        default=None,
        help="estimated cost the whole app may spend per rate_limit.window (429 RATE_LIMITED)",
    )
    manifest: Path | None = setting(
        env="GATEWAY_APP_MANIFEST_<NAME>",
        parse=optional_path,
        default=None,
        help="the app's trusted documents (a persisted-query manifest): it runs these alone "
        "(QUERY_NOT_IN_SAFELIST), by id or text",
    )
