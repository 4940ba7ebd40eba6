"""The gateway's document cache: everything derived from one (document text, operation name).

One entry, a `Document`, holds the parsed operation and its facts (what the security limits
read), the validated operation, the plan and the compiled shapes, and the copies authorization
filtered for callers who may not see every field. Before, three caches were keyed by the same
pair (one of them module-global, keeping old schemas alive after a reload); now each `Gateway`
owns one, so a new supergraph starts with an empty cache and the old one goes with its gateway.

The cache is bounded by bytes, not entries: a document's weight is an estimate of what it keeps
alive (its text about three times over, as the key, string values in the AST and subgraph
operations, plus about 2 KB per token for the AST, the plan and a shape, measured on the
examples). A document is kept only when it is seen a second time: most one-off documents (and
a stream of unique hostile ones) then cost no cache space and never evict the documents clients
send again and again. The first sighting is remembered by its hash alone.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gateway.lru import Lru, Missing
from gateway.operation import (
    DocumentLimits,
    OperationErrors,
    OperationFacts,
    ParsedDocument,
    PreparedOperation,
    parse_operation,
)

if TYPE_CHECKING:
    from gateway.incremental import DeferPlanned
    from gateway.planner import QueryPlan
    from gateway.shaping import CompiledShape

__all__ = [
    "BYTES_PER_TOKEN",
    "Document",
    "DocumentCache",
    "DocumentKey",
    "Planned",
    "Runnable",
    "Variant",
]

DocumentKey = tuple[str, str | None]
FieldKey = tuple[str, str]
BYTES_PER_TOKEN = 2048
"""Bytes one token keeps alive in the AST, the plan and one compiled shape (measured: 1.3-2.7
KB on the examples and the benchmark query)."""
TEXT_COPIES = 3
MAX_VARIANTS = 16
"""Filtered copies kept per document: one per set of fields denied to some caller."""
COLLECT_AFTER_BYTES = 32 << 20
"""Document text parsed between two collections of the young garbage (see `_reclaim`)."""
SEEN_CAPACITY = 8192
"""First sightings remembered (by hash): a document seen again within this many others is kept."""


@dataclass(slots=True, kw_only=True)
class Planned:
    """What the runtime derives from a validated operation: its plan and compiled shapes."""

    plan: QueryPlan
    directive_variables: tuple[str, ...]
    has_introspection: bool
    shapes: dict[tuple[object, ...], CompiledShape] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True, eq=False)
class Runnable:
    """A validated operation the runtime can run: the client's own, or a filtered copy."""

    key: DocumentKey
    prepared: PreparedOperation
    variant: frozenset[FieldKey] = frozenset()
    """The fields authorization denied to make this copy (empty: the client's operation)."""
    unit: int = 0
    """Bytes one more plan or shape for this operation is counted as."""
    planned: Planned | None = None
    plans_by_labels: dict[frozenset[str], Planned] = field(default_factory=dict)
    """Plans per set of progressive-override labels, when labels vary per request."""
    uses_defer: bool | None = None
    """Whether the operation has `@defer`, None until looked for (`gateway/incremental.py`)."""
    defer_variables: tuple[str, ...] = ()
    """The variables its `@defer(if:)`s read."""
    deferred: dict[tuple[object, ...], DeferPlanned] = field(default_factory=dict)
    """`@defer` plans and shapes per (override labels, `@defer(if:)` values)."""
    fields: frozenset[str] | None = None
    """The `Type.field` coordinates it selects, None until counted (per-client field usage,
    `gateway/telemetry/usage.py`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Variant:
    """Authorization's copy of an operation for callers denied some fields: what is left to
    run (None: nothing) and the response paths removed."""

    operation: Runnable | None
    removed: tuple[tuple[str, ...], ...]


@dataclass(slots=True, kw_only=True, eq=False)
class Document:
    """One (document text, operation name) and everything derived from it so far."""

    key: DocumentKey
    parsed: ParsedDocument | OperationErrors
    weight: int
    validated: Runnable | OperationErrors | None = None
    guarded: tuple[FieldKey, ...] | None = None
    """The fields with an authorization requirement the operation selects (security's fact)."""
    variants: dict[frozenset[FieldKey], Variant] = field(default_factory=dict)
    facts: OperationFacts | None = None
    """The parsed operation's facts (None: unreadable, or no operation picked), at hand for the
    security checks every request runs."""

    @property
    def unit(self) -> int:
        """Bytes a further plan, shape or filtered copy of this operation is counted as."""
        parsed = self.parsed
        tokens = 0 if isinstance(parsed, OperationErrors) else _tokens(parsed)
        return BYTES_PER_TOKEN * tokens


def _tokens(parsed: ParsedDocument) -> int:
    count: int = getattr(parsed.document, "token_count", 0)
    return count


class DocumentCache:
    """Documents by (text, operation name), bounded by bytes, kept from their second sighting."""

    __slots__ = ("_entries", "_limits", "_parsed_bytes", "_seen")

    def __init__(self, max_bytes: int, limits: DocumentLimits) -> None:
        self._entries: Lru[DocumentKey, Document] = Lru(max_bytes)
        self._limits = limits
        self._seen: dict[int, None] = {}
        self._parsed_bytes = 0

    def get(self, query: str, operation_name: str | None) -> Document:
        """The cached document, or a new one (parsed within the limits; kept if seen before)."""
        key = (query, operation_name)
        found = self._entries.get(key)
        if not isinstance(found, Missing):
            return found
        self._reclaim(len(query))
        parsed = parse_operation(query, operation_name, self._limits)
        weight = TEXT_COPIES * len(query)
        if not isinstance(parsed, OperationErrors):
            weight += BYTES_PER_TOKEN * _tokens(parsed)
        facts = None if isinstance(parsed, OperationErrors) else parsed.facts
        document = Document(key=key, parsed=parsed, weight=weight, facts=facts)
        if not isinstance(parsed, OperationErrors) and self._seen_before(key):
            self._entries.put(key, document, weight)
        return document

    def grow(self, key: DocumentKey, extra: int) -> None:
        """Count `extra` bytes more for a document that gained a shape or a filtered copy."""
        self._entries.grow(key, extra)

    def add_variant(
        self, document: Document, denied: frozenset[FieldKey], variant: Variant
    ) -> None:
        """Keep authorization's copy of `document` for callers denied `denied`."""
        if len(document.variants) < MAX_VARIANTS:
            document.variants[denied] = variant
            self._entries.grow(document.key, document.unit)

    def _reclaim(self, size: int) -> None:
        """Collect the young cyclic garbage once every `COLLECT_AFTER_BYTES` of text parsed.

        graphql-core's validation leaves reference cycles (its context and rule visitors) that
        hold the document, and through it the text and its string values. Python collects
        cycles by counting objects, not bytes, and the server raises that count
        (`performance.gc_threshold`), so a stream of few-token megabyte documents was kept
        alive: +5.5 MB of RSS per document. Small documents reach the byte count rarely, so the
        collection costs them nothing measurable.
        """
        self._parsed_bytes += size
        if self._parsed_bytes > COLLECT_AFTER_BYTES:
            self._parsed_bytes = 0
            gc.collect(1)

    def _seen_before(self, key: DocumentKey) -> bool:
        mark = hash(key)
        seen = self._seen
        if mark in seen:
            del seen[mark]
            return True
        seen[mark] = None
        if len(seen) > SEEN_CAPACITY:
            del seen[next(iter(seen))]
        return False

    @property
    def weight(self) -> int:
        """Bytes the kept documents are estimated to hold."""
        return self._entries.weight

    def __len__(self) -> int:
        return len(self._entries)
