"""`CachingTransport`: entity and root-field results served from the cache, around any Transport.

Installed by the server only when `entity_cache.enabled`; otherwise the executor calls the
transport it always did and pays nothing. For an `_entities` request it looks every
representation up (one round trip for the whole request), sends the subgraph only the
representations it did not find, in a request of the same text, then puts the answers back
in their original positions (and error paths with them), so the executor never knows. A root
query is looked up and stored whole, as Apollo Router does.

What is stored: entities without an error at their position, only from answers whose
`Cache-Control` allows it (`control.py`), public ones under a key everyone shares and private
ones under the caller's subject. A lookup with a subject tries the private key first.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from gateway.caching.control import Storability, read_cache_control
from gateway.caching.keys import SchemaFacts, key_hash
from gateway.caching.shapes import EntityField, QueryShape, digest, query_shape
from gateway.caching.storage import CacheEntry, CacheStorage
from gateway.caching.subject import current_subject
from gateway.headers import CREDENTIAL_HEADERS
from gateway.supergraph import Supergraph
from gateway.transports import (
    SubgraphFailure,
    SubgraphRequest,
    SubgraphResponse,
    SubgraphResult,
    Transport,
)

__all__ = ["CacheObserver", "CacheReport", "CachingOptions", "CachingTransport", "report_into"]

CacheObserver = Callable[[str, str, int, int], None]
"""Told (subgraph, type, hits, misses) after each lookup: the Prometheus counters."""

CacheReport = dict[tuple[str, str], list[int]]
"""(subgraph, type) -> [hits, misses] of one request, when the server asked for it."""

_REPORT: contextvars.ContextVar[CacheReport | None] = contextvars.ContextVar(
    "gateway_cache_report", default=None
)


def report_into(report: CacheReport) -> None:
    """Count this request's lookups into `report` (the debug extension)."""
    _REPORT.set(report)


@dataclass(frozen=True, slots=True, kw_only=True)
class CachingOptions:
    subgraphs: frozenset[str] | None
    """The subgraphs cached (None: all)."""
    ttl_for: Callable[[str], float]
    """A subgraph's TTL when its answer has no max-age."""
    supergraph: Callable[[], Supergraph | None]
    """The supergraph served now (it may be reloaded)."""
    observer: CacheObserver | None = None


@dataclass(slots=True)
class _Wanted:
    """One representation of the request: its keys and, once found, its entity."""

    typename: str
    key: dict[str, Any]
    public: str
    private: str | None
    entity: Any = None
    found: bool = False


class CachingTransport:
    """`Transport` that answers from `storage` what it can and asks `inner` for the rest."""

    def __init__(self, inner: Transport, storage: CacheStorage, options: CachingOptions) -> None:
        self.inner = inner
        self.storage = storage
        self._options = options
        self._facts: SchemaFacts | None = None

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        subgraphs = self._options.subgraphs
        if request.is_mutation or (subgraphs is not None and service_name not in subgraphs):
            return await self.inner.fetch(service_name, request)
        facts = self._schema_facts()
        shape = query_shape(request.query)
        if facts is None or not (shape.entities or shape.roots):
            return await self.inner.fetch(service_name, request)
        if shape.entities:
            return await self._entities(service_name, request, shape.entities, facts)
        return await self._roots(service_name, request, shape, facts)

    def _schema_facts(self) -> SchemaFacts | None:
        supergraph = self._options.supergraph()
        if supergraph is None:
            return None
        if self._facts is None or self._facts.supergraph is not supergraph:
            self._facts = SchemaFacts(supergraph)
        return self._facts

    # -- entities -----------------------------------------------------------------------------

    async def _entities(
        self,
        service_name: str,
        request: SubgraphRequest,
        fields: tuple[EntityField, ...],
        facts: SchemaFacts,
    ) -> SubgraphResult:
        subject = current_subject()
        variables = request.variables
        wanted = [
            [
                self._wanted(service_name, field, rep, variables, facts, subject)
                for rep in _list(variables.get(field.variable))
            ]
            for field in fields
        ]
        await self._look_up([w for ws in wanted for w in ws if w is not None])
        self._count(service_name, [w for ws in wanted for w in ws if w is not None])
        missing = [[i for i, w in enumerate(ws) if w is None or not w.found] for ws in wanted]
        if not any(missing):
            data = {
                f.response_key: [w.entity for w in ws if w]
                for f, ws in zip(fields, wanted, strict=True)
            }
            return SubgraphResponse(data=data)
        sent = dict(variables)
        for field, indexes in zip(fields, missing, strict=True):
            sent[field.variable] = [_list(variables.get(field.variable))[i] for i in indexes]
        narrowed = SubgraphRequest(
            query=request.query,
            operation_name=request.operation_name,
            variables=sent,
            headers=request.headers,
        )
        result = await self.inner.fetch(service_name, narrowed)
        if isinstance(result, SubgraphFailure):
            return result
        return await self._merge(service_name, request, fields, wanted, missing, result)

    def _wanted(
        self,
        service_name: str,
        field: EntityField,
        rep: object,
        variables: Mapping[str, Any],
        facts: SchemaFacts,
        subject: str | None,
    ) -> _Wanted | None:
        if not isinstance(rep, dict) or not isinstance(rep.get("__typename"), str):
            return None
        typename = rep["__typename"]
        key = facts.entity_key(service_name, rep)
        rest = {name: value for name, value in rep.items() if name not in key}
        inputs = {name: variables.get(name) for name in field.reads}
        extra = digest(orjson.dumps([field.selection, rest, inputs], option=orjson.OPT_SORT_KEYS))
        public = f"e:{service_name}:{typename}:{key_hash(key)}:{extra}"
        private = f"{public}:p:{subject}" if subject is not None else None
        return _Wanted(typename=typename, key=key, public=public, private=private)

    async def _look_up(self, wanted: Sequence[_Wanted]) -> None:
        keys = [k for w in wanted for k in (w.private, w.public) if k is not None]
        if not keys:
            return
        values = iter(await self.storage.get_many(keys))
        for w in wanted:
            private = next(values) if w.private is not None else None
            public = next(values)
            value = private if private is not None else public
            if value is not None:
                w.entity, w.found = orjson.loads(value), True

    async def _merge(
        self,
        service_name: str,
        request: SubgraphRequest,
        fields: tuple[EntityField, ...],
        wanted: list[list[_Wanted | None]],
        missing: list[list[int]],
        result: SubgraphResponse,
    ) -> SubgraphResult:
        """The whole answer from cached and fetched entities; the fetched ones stored."""
        data = result.data or {}
        allowed = self._storability(service_name, request, result)
        errors, failed = _remapped_errors(result.errors, fields, missing)
        merged: dict[str, Any] = {}
        entries: list[CacheEntry] = []
        for field, ws, indexes in zip(fields, wanted, missing, strict=True):
            answers = data.get(field.response_key)
            if not isinstance(answers, list) or len(answers) != len(indexes):
                return _broken(result)
            entities = [w.entity if w is not None else None for w in ws]
            for index, answer in zip(indexes, answers, strict=True):
                entities[index] = answer
                w = ws[index]
                if w is not None and isinstance(answer, dict) and (field, index) not in failed:
                    entry = _entry(w, answer, allowed, service_name, self._facts)
                    if entry is not None:
                        entries.append(entry)
            merged[field.response_key] = entities
        if entries and not failed.get("*"):
            await self.storage.put_many(entries)
        return SubgraphResponse(data=merged, errors=errors, cache_control=result.cache_control)

    # -- root fields --------------------------------------------------------------------------

    async def _roots(
        self, service_name: str, request: SubgraphRequest, shape: QueryShape, facts: SchemaFacts
    ) -> SubgraphResult:
        subject = current_subject()
        body = orjson.dumps([request.query, request.variables], option=orjson.OPT_SORT_KEYS)
        public = f"r:{service_name}:{facts.query_type}:{digest(body)}"
        private = f"{public}:p:{subject}" if subject is not None else None
        keys = [k for k in (private, public) if k is not None]
        values = await self.storage.get_many(keys)
        value = next((v for v in values if v is not None), None)
        self._observe(service_name, facts.query_type, int(value is not None), int(value is None))
        if value is not None:
            return SubgraphResponse(data=orjson.loads(value))
        result = await self.inner.fetch(service_name, request)
        if isinstance(result, SubgraphFailure) or result.errors or result.data is None:
            return result
        allowed = self._storability(service_name, request, result)
        key = private if allowed.private else public
        if allowed.ttl > 0 and key is not None:
            tags = facts.root_tags(service_name, shape.roots, request.variables)
            tag_keys = tuple(f"t:{service_name}:{tag}" for tag in tags)
            entry = CacheEntry(key, orjson.dumps(result.data).decode(), allowed.ttl, tag_keys)
            await self.storage.put_many([entry])
        return result

    # -- shared -------------------------------------------------------------------------------

    def _storability(
        self, service_name: str, request: SubgraphRequest, result: SubgraphResponse
    ) -> Storability:
        credentials = any(name in request.headers for name in CREDENTIAL_HEADERS)
        ttl = self._options.ttl_for(service_name)
        return read_cache_control(result.cache_control, ttl, credentials)

    def _count(self, service_name: str, wanted: Sequence[_Wanted]) -> None:
        counts: dict[str, list[int]] = {}
        for w in wanted:
            counts.setdefault(w.typename, [0, 0])[0 if w.found else 1] += 1
        for typename, (hits, misses) in counts.items():
            self._observe(service_name, typename, hits, misses)

    def _observe(self, service_name: str, typename: str, hits: int, misses: int) -> None:
        if self._options.observer is not None:
            self._options.observer(service_name, typename, hits, misses)
        report = _REPORT.get()
        if report is not None:
            counts = report.setdefault((service_name, typename), [0, 0])
            counts[0] += hits
            counts[1] += misses


def _entry(
    w: _Wanted,
    entity: dict[str, Any],
    allowed: Storability,
    service_name: str,
    facts: SchemaFacts | None,
) -> CacheEntry | None:
    key = w.private if allowed.private else w.public
    if allowed.ttl <= 0 or key is None:
        return None
    tags: tuple[str, ...] = ()
    if facts is not None:
        found = facts.entity_tags(service_name, w.typename, w.key)
        tags = tuple(f"t:{service_name}:{tag}" for tag in found)
    return CacheEntry(key, orjson.dumps(entity).decode(), allowed.ttl, tags)


def _remapped_errors(
    errors: tuple[dict[str, Any], ...],
    fields: tuple[EntityField, ...],
    missing: list[list[int]],
) -> tuple[tuple[dict[str, Any], ...], dict[Any, bool]]:
    """Errors with paths back on the original positions, and which positions failed ("*":
    an error with no entity position, after which nothing of the answer is stored)."""
    positions = {f.response_key: (f, indexes) for f, indexes in zip(fields, missing, strict=True)}
    failed: dict[Any, bool] = {}
    out: list[dict[str, Any]] = []
    for error in errors:
        path = error.get("path")
        if not isinstance(path, list) or len(path) < 2 or not isinstance(path[1], int):
            failed["*"] = True
            out.append(error)
            continue
        at = positions.get(path[0])
        if at is None:
            failed["*"] = True
            out.append(error)
            continue
        field, indexes = at
        if not 0 <= path[1] < len(indexes):
            failed["*"] = True
            out.append(error)
            continue
        original = indexes[path[1]]
        failed[(field, original)] = True
        out.append({**error, "path": [path[0], original, *path[2:]]})
    return tuple(out), failed


def _broken(result: SubgraphResponse) -> SubgraphResponse:
    """An answer whose lists do not match what was sent: let the executor report it."""
    return SubgraphResponse(data={}, errors=result.errors)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
