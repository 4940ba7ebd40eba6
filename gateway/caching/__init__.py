"""Entity caching: subgraph `_entities` results and root query fields kept in memory or Redis.

`EntityCache.from_config` builds it once per app when `entity_cache.enabled`; the server
wraps its transport with `wrap`, sets each request's subject with `enter`, and mounts the
invalidation endpoint. Off, none of this exists (see README, "Entity caching").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gateway.caching.invalidation import InvalidationEndpoint, parse_invalidations
from gateway.caching.storage import CacheStorage, MemoryCacheStorage, RedisCacheStorage
from gateway.caching.subject import SubjectRule, current_subject, enter_subject
from gateway.caching.transport import (
    CacheObserver,
    CacheReport,
    CachingOptions,
    CachingTransport,
    report_into,
)
from gateway.config import Config, ConfigError
from gateway.supergraph import Supergraph
from gateway.transports import Transport

__all__ = [
    "CacheObserver",
    "CacheReport",
    "CachingTransport",
    "EntityCache",
    "InvalidationEndpoint",
    "current_subject",
    "parse_invalidations",
    "report_extension",
]


class EntityCache:
    """One app's entity cache: its storage, the subject rule and the debug switch."""

    def __init__(
        self,
        config: Config,
        supergraph: Callable[[], Supergraph | None],
        observer: CacheObserver | None = None,
    ) -> None:
        settings = config.entity_cache
        self.storage = _storage(config)
        self.debug = settings.debug
        self._subject = SubjectRule(settings.private_id)
        self._options = CachingOptions(
            subgraphs=frozenset(settings.subgraphs) if settings.subgraphs else None,
            ttl_for=config.cache_ttl_for,
            supergraph=supergraph,
            observer=observer,
        )
        key = settings.invalidation_key
        self.invalidation = InvalidationEndpoint(self.storage, key) if key else None

    def wrap(self, transport: Transport) -> CachingTransport:
        return CachingTransport(transport, self.storage, self._options)

    def enter(self, headers: Mapping[str, str], claims: Mapping[str, Any]) -> CacheReport | None:
        """Set this request's subject; with `debug`, the report its lookups are counted in."""
        enter_subject(self._subject.subject(headers, claims))
        if not self.debug:
            return None
        report: CacheReport = {}
        report_into(report)
        return report

    async def close(self) -> None:
        if isinstance(self.storage, RedisCacheStorage):
            await self.storage.close()


def report_extension(report: CacheReport) -> list[dict[str, Any]]:
    """`extensions.entityCache`: hits and misses per subgraph and type, in a stable order."""
    return [
        {"subgraph": subgraph, "type": typename, "hits": hits, "misses": misses}
        for (subgraph, typename), (hits, misses) in sorted(report.items())
    ]


def _storage(config: Config) -> CacheStorage:
    settings = config.entity_cache
    if settings.store == "memory":
        return MemoryCacheStorage(settings.max_entries)
    if not config.redis.url:
        raise ConfigError("entity_cache.store is redis but redis.url is not set")
    return RedisCacheStorage(config.redis.url, "gateway:entity:")
