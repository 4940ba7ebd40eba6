"""The `entity_cache` section: subgraph entity and root-field results cached by the gateway."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config.declare import setting
from gateway.config.parsers import (
    Invalid,
    boolean,
    choice,
    integer,
    names,
    optional_text,
    seconds,
    text,
    url_path,
)

__all__ = ["EntityCacheConfig", "private_id"]


def private_id(raw: object) -> str:
    """Where a caller's subject comes from: `claim:<name>` of the verified token, or
    `header:<name>` of the request."""
    value = text(raw)
    kind, colon, name = value.partition(":")
    if not colon or kind not in ("claim", "header") or not name.strip():
        raise Invalid("claim:<name> or header:<name>, like claim:sub")
    return f"{kind}:{name.strip().lower() if kind == 'header' else name.strip()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityCacheConfig:
    """Off by default, as in Apollo Router: caching answers is a decision about staleness
    that a deployment makes knowingly. Off, nothing of it is built and no request pays."""

    enabled: bool = setting(
        env="GATEWAY_ENTITY_CACHE_ENABLED",
        parse=boolean,
        default=False,
        help="cache subgraph `_entities` results per type and key, and root query fields",
    )
    store: str = setting(
        env="GATEWAY_ENTITY_CACHE_STORE",
        parse=choice("memory", "redis"),
        default="memory",
        help="memory (this process, bounded LRU) or redis (redis.url, shared by replicas)",
    )
    max_entries: int = setting(
        env="GATEWAY_ENTITY_CACHE_MAX_ENTRIES",
        parse=integer(1, 10_000_000),
        default=100_000,
        help="entries kept in memory before the least recently used go",
    )
    ttl: float = setting(
        env="GATEWAY_ENTITY_CACHE_TTL",
        parse=seconds,
        default=60.0,
        help="seconds an entry lives when the subgraph's Cache-Control gives no max-age",
    )
    subgraphs: tuple[str, ...] = setting(
        env="GATEWAY_ENTITY_CACHE_SUBGRAPHS",
        parse=names,
        default=(),
        shown="all",
        help="subgraphs whose results are cached (empty: all)",
    )
    private_id: str = setting(
        env="GATEWAY_ENTITY_CACHE_PRIVATE_ID",
        parse=private_id,
        default="claim:sub",
        help="the caller's subject for private entries: claim:<name> or header:<name> (hashed)",
    )
    invalidation_path: str = setting(
        env="GATEWAY_ENTITY_CACHE_INVALIDATION_PATH",
        parse=url_path,
        default="/invalidation",
        help="POST path of the invalidation endpoint",
    )
    invalidation_key: str | None = setting(
        env="GATEWAY_ENTITY_CACHE_INVALIDATION_KEY",
        parse=optional_text,
        default=None,
        shown="none: endpoint off",
        help="shared secret the invalidation endpoint wants in `Authorization`",
    )
    debug: bool = setting(
        env="GATEWAY_ENTITY_CACHE_DEBUG",
        parse=boolean,
        default=False,
        help="answer `extensions.entityCache` (hits and misses per subgraph and type)",
    )
