"""The gateway's document cache: kept from the second sighting, bounded by bytes, per gateway."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from gateway import documents as documents_module
from gateway.documents import BYTES_PER_TOKEN, TEXT_COPIES, DocumentCache
from gateway.operation import DocumentLimits, OperationErrors, ParsedDocument, parse_operation
from gateway.runtime import Gateway, GatewayOptions, GraphQLRequest
from gateway.supergraph import Supergraph, load_supergraph
from gateway.transports import InProcessTransport

ROOT = Path(__file__).resolve().parents[2]
LIMITS = DocumentLimits(max_bytes=1 << 20, max_tokens=1000)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every document the cache parses."""
    seen: list[str] = []
    real = parse_operation

    def counting(query: str, name: str | None, limits: DocumentLimits) -> object:
        seen.append(query)
        return real(query, name, limits)

    monkeypatch.setattr(documents_module, "parse_operation", counting)
    return seen


def weight_of(query: str, tokens: int) -> int:
    return TEXT_COPIES * len(query) + BYTES_PER_TOKEN * tokens


def test_a_document_is_kept_from_its_second_sighting(parses: list[str]) -> None:
    cache = DocumentCache(1 << 20, LIMITS)
    first = cache.get("{ a }", None)
    assert len(cache) == 0  # seen once: parsed, used, not kept
    second = cache.get("{ a }", None)
    assert second is not first
    assert cache.get("{ a }", None) is second
    assert cache.get("{ a }", None) is second
    assert parses == ["{ a }", "{ a }"]
    assert cache.weight == weight_of("{ a }", 3)


def test_the_operation_name_is_part_of_the_key(parses: list[str]) -> None:
    cache = DocumentCache(1 << 20, LIMITS)
    query = "query A { a } query B { b }"
    for _ in range(2):
        cache.get(query, "A")
    assert cache.get(query, "A") is cache.get(query, "A")
    assert len(cache) == 1
    cache.get(query, "B")
    assert len(cache) == 1  # B's first sighting
    assert parses == [query, query, query]


def test_unique_documents_fill_nothing(parses: list[str]) -> None:
    cache = DocumentCache(1 << 20, LIMITS)
    for n in range(500):
        cache.get(f"{{ a{n} }}", None)
    assert len(cache) == 0
    assert cache.weight == 0


def test_refused_and_unreadable_documents_are_never_kept() -> None:
    cache = DocumentCache(1 << 20, DocumentLimits(max_bytes=50, max_tokens=5))
    for query in ("{ a b c d e f }", "{ " + "a " * 30 + "}", "{ a"):
        for _ in range(3):
            assert isinstance(cache.get(query, None).parsed, OperationErrors)
    assert len(cache) == 0


def test_the_cache_is_bounded_by_bytes_and_evicts_the_least_recently_used() -> None:
    one = weight_of("{ a00 }", 3)
    cache = DocumentCache(10 * one, LIMITS)  # room for ten documents of this size
    for n in range(30):
        for _ in range(2):
            cache.get(f"{{ a{n:02} }}", None)
        cache.get("{ a00 }", None)  # kept in use, so never the least recently used
    assert len(cache) == 10
    assert cache.weight == 10 * one
    kept = cache.get("{ a00 }", None)
    assert isinstance(kept.parsed, ParsedDocument)
    assert cache.get("{ a00 }", None) is kept
    assert cache.get("{ a29 }", None) is cache.get("{ a29 }", None)
    assert cache.get("{ a01 }", None) is not cache.get("{ a01 }", None)  # evicted long ago


def test_a_big_document_is_weighed_by_its_text(parses: list[str]) -> None:
    big = "{ a } # " + "x" * 100_000
    cache = DocumentCache(4 << 20, LIMITS)
    for _ in range(3):
        cache.get(big, None)
    assert cache.weight == weight_of(big, 4)  # the comment is one token; its text counts
    assert len(parses) == 2
    too_big = DocumentCache(4 * TEXT_COPIES * 100_000, LIMITS)
    for _ in range(3):
        too_big.get(big, None)
    assert len(too_big) == 0  # over a quarter of the budget: never kept


def supergraph() -> Supergraph:
    loaded = load_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())
    assert isinstance(loaded, Supergraph)
    return loaded


async def test_each_gateway_has_its_own_cache_and_a_replaced_one_is_freed() -> None:
    """Before, a module-global cache keyed on the schema kept every reloaded schema alive."""
    graph = supergraph()
    transport = InProcessTransport({})
    old = Gateway(graph, transport, GatewayOptions())
    request = GraphQLRequest(query="{ __typename }")
    for _ in range(2):
        assert (await old.execute(request, {})).body == {"data": {"__typename": "Query"}}
    assert len(old.documents) == 1
    new = Gateway(supergraph(), transport, GatewayOptions())
    assert len(new.documents) == 0
    schema = weakref.ref(old.supergraph.api_schema)
    del old, graph
    gc.collect()
    assert schema() is None
