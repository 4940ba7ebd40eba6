"""The invalidation endpoint: delete cached entries by subgraph, type, entity key or cache tag.

The request body is Apollo Router's: a JSON array of objects, each one of

    {"kind": "subgraph", "subgraph": "accounts"}
    {"kind": "type", "subgraph": "accounts", "type": "User"}
    {"kind": "entity", "subgraph": "accounts", "type": "User", "key": {"id": "1"}}
    {"kind": "cache_tag", "subgraphs": ["accounts"], "cache_tag": "user-1"}

and the answer `{"count": <entries deleted>}`. The caller proves itself with the shared secret
in `Authorization` (compared in constant time); without a configured secret there is no
endpoint at all. A bad body is a 400 naming what is wrong, never a 500.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.caching.keys import key_hash
from gateway.caching.storage import CacheStorage

__all__ = ["Invalidation", "InvalidationEndpoint", "parse_invalidations", "run_invalidations"]

log = logging.getLogger("gateway.caching")
MAX_BODY_BYTES = 1 << 20
MAX_ITEMS = 1000


@dataclass(frozen=True, slots=True)
class Invalidation:
    """What to delete: key prefixes and tag keys."""

    prefixes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


class InvalidRequest(ValueError):
    pass


def parse_invalidations(payload: object) -> list[Invalidation]:
    items = payload if isinstance(payload, list) else [payload]
    if not items or len(items) > MAX_ITEMS:
        raise InvalidRequest(f"the body must be a JSON array of 1 to {MAX_ITEMS} invalidations")
    return [_one(item, at) for at, item in enumerate(items)]


def _one(item: object, at: int) -> Invalidation:
    if not isinstance(item, Mapping):
        raise InvalidRequest(f"invalidation {at} is not an object")
    kind = item.get("kind")
    if kind == "cache_tag":
        subgraphs = item.get("subgraphs")
        tag = _name(item, "cache_tag", at)
        if not isinstance(subgraphs, list) or not subgraphs:
            raise InvalidRequest(f"invalidation {at}: `subgraphs` must be a non-empty list")
        names = [_name({"subgraph": s}, "subgraph", at) for s in subgraphs]
        return Invalidation(tags=tuple(f"t:{name}:{tag}" for name in names))
    subgraph = _name(item, "subgraph", at)
    if kind == "subgraph":
        return Invalidation(prefixes=(f"e:{subgraph}:", f"r:{subgraph}:", f"t:{subgraph}:"))
    type_name = _name(item, "type", at)
    if kind == "type":
        return Invalidation(prefixes=(f"e:{subgraph}:{type_name}:", f"r:{subgraph}:{type_name}:"))
    if kind == "entity":
        key = item.get("key")
        if not isinstance(key, Mapping) or not key:
            raise InvalidRequest(f"invalidation {at}: `key` must be a non-empty object")
        return Invalidation(prefixes=(f"e:{subgraph}:{type_name}:{key_hash(key)}:",))
    raise InvalidRequest(
        f"invalidation {at}: `kind` must be subgraph, type, entity or cache_tag, not {kind!r}"
    )


def _name(item: Mapping[str, object], field: str, at: int) -> str:
    value = item.get(field)
    if not isinstance(value, str) or not value or any(c in value for c in "*?[]\\:"):
        raise InvalidRequest(f"invalidation {at}: `{field}` must be a name")
    return value


async def run_invalidations(storage: CacheStorage, invalidations: list[Invalidation]) -> int:
    count = 0
    for invalidation in invalidations:
        for prefix in invalidation.prefixes:
            count += await storage.delete_prefix(prefix)
        for tag in invalidation.tags:
            count += await storage.delete_tagged(tag)
    return count


class InvalidationEndpoint:
    """`POST <entity_cache.invalidation_path>`."""

    def __init__(self, storage: CacheStorage, shared_key: str) -> None:
        self._storage = storage
        self._key = shared_key.encode()

    async def handle(self, request: Request) -> Response:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, self._key):
            return _problem(401, "the invalidation endpoint wants the shared key in Authorization")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _problem(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
        try:
            invalidations = parse_invalidations(orjson.loads(body))
        except orjson.JSONDecodeError:
            return _problem(400, "the body is not JSON")
        except InvalidRequest as problem:
            return _problem(400, str(problem))
        try:
            count = await run_invalidations(self._storage, invalidations)
        except Exception:  # the store failed: say so, never a traceback
            log.exception("entity cache invalidation failed")
            return _problem(503, "the cache store could not be reached")
        return JSONResponse({"count": count})


def _problem(status: int, message: str) -> Response:
    return JSONResponse({"errors": [{"message": message}]}, status_code=status)
