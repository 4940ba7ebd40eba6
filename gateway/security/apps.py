"""Per-app limits: a request budget and a cost budget for the whole app, a cost cap on its
operations, and the trusted documents it may run.

The app is the one `gateway/clients.py` identifies (the token's app, else the client-name
header). Its requests are counted under `app:<NAME>` in the rate limiter's store (Redis when
replicas share limits), in `rate_limit.window`, on top of each caller's own limit: an app
with many users still has one budget. Its `max_cost` replaces `limits.max_cost` for its
operations (demand control, COST_LIMIT_EXCEEDED); its `cost_budget` is counted like its
requests, each operation spending its estimated cost (`app-cost:<NAME>`). With a `manifest`,
the app runs only the documents it lists (QUERY_NOT_IN_SAFELIST otherwise); their ids join the
gateway's trusted documents, so a request resolves them before the app is known, and the app
check follows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from gateway.clients import ClientIdentity
from gateway.config.apps import AppSettings
from gateway.config.declare import subgraph_env_name
from gateway.config.sources import ConfigError
from gateway.security.persisted import load_manifest
from gateway.security.ratelimit import RateLimited, RateLimiter

__all__ = ["AppLimits"]


def _manifest(key: str, path: Path) -> dict[str, str]:
    try:
        return load_manifest(path)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"apps.{key.lower()}.manifest: {error}") from None


class AppLimits:
    """The `apps.<name>` settings, applied to an identified client."""

    def __init__(self, apps: Mapping[str, AppSettings], window: int, redis_url: str | None) -> None:
        self._apps = apps
        self.window = window
        limited = any(
            settings.requests is not None or settings.cost_budget is not None
            for settings in apps.values()
        )
        self._limiter = (
            RateLimiter(0, window, redis_url, prefix="gateway:app-rate:") if limited else None
        )
        self.costs = {
            key: settings.max_cost
            for key, settings in apps.items()
            if settings.max_cost is not None
        }
        """Per-app cost caps by normalised name (what demand control reads)."""
        self.budgets = {
            key: settings.cost_budget
            for key, settings in apps.items()
            if settings.cost_budget is not None
        }
        """Per-app cost budgets by normalised name (demand control must estimate for them)."""
        manifests = {
            key: _manifest(key, settings.manifest)
            for key, settings in apps.items()
            if settings.manifest is not None
        }
        self._trusted = {key: frozenset(found.values()) for key, found in manifests.items()}
        self.documents = {
            doc_id: body for found in manifests.values() for doc_id, body in found.items()
        }
        """Every app's trusted documents by id, for the gateway's id lookup."""

    def settings(self, client: ClientIdentity) -> AppSettings | None:
        return self._apps.get(subgraph_env_name(client.name)) if client.name else None

    def max_cost(self, client: ClientIdentity) -> int | None:
        """The app's own cost cap, if it has one."""
        return self.costs.get(subgraph_env_name(client.name)) if client.name else None

    def trusted(self, client: ClientIdentity, text: str) -> bool:
        """Whether the app may run this document (always, for an app without a manifest)."""
        if not self._trusted or not client.name:
            return True
        listed = self._trusted.get(subgraph_env_name(client.name))
        return listed is None or text in listed

    async def hit(self, client: ClientIdentity) -> tuple[int, RateLimited] | None:
        """Count one request of the app; over its budget, the limit and the wait."""
        settings = self.settings(client)
        if self._limiter is None or settings is None or settings.requests is None:
            return None
        key = f"app:{subgraph_env_name(client.name or '')}"
        limited = await self._limiter.hit(key, limit=settings.requests)
        return None if limited is None else (settings.requests, limited)

    async def spend(
        self, client: ClientIdentity, cost: int | None
    ) -> tuple[int, RateLimited] | None:
        """Spend an operation's estimated cost from the app's budget; over it, the budget and
        the wait."""
        if self._limiter is None or cost is None or not client.name:
            return None
        key = subgraph_env_name(client.name)
        budget = self.budgets.get(key)
        if budget is None:
            return None
        limited = await self._limiter.hit(f"app-cost:{key}", cost, limit=budget)
        return None if limited is None else (budget, limited)
