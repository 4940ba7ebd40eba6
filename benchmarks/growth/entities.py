"""Time and memory of one request against the number of entities in its response (10 to 10,000).

Two subgraphs: `catalog` lists `n` items by key, `details` resolves every item's fields through
one batched `_entities` fetch. The plan is cached after the first request, so the curve shows the
executor's and shaping's per-entity cost; it should be a straight line. The same requests are
also timed with the cyclic garbage collector off, which separates the GC's share of any bend.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
import tracemalloc
from typing import Any

from benchmarks.compose import compose_services
from benchmarks.growth.transport import MemoTransport
from benchmarks.subgraphs.schema import build_executable_subgraph

__all__ = ["measure_entities"]

CATALOG_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { items(first: Int!): [Item!]! }
type Item @key(fields: "id") { id: ID! }
"""
DETAILS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Item @key(fields: "id") { id: ID! name: String! price: Int! tags: [String!]! }
"""
QUERY = "query Items($n: Int!) { items(first: $n) { id name price tags } }"
SIZES = (10, 30, 100, 300, 1000, 3000, 10000)


def _gateway() -> tuple[Any, MemoTransport]:
    from gateway.runtime import Gateway
    from gateway.supergraph import SupergraphProblems, load_supergraph

    sdl = compose_services(
        [
            {"name": "catalog", "typeDefs": CATALOG_SDL, "url": "http://catalog.invalid/graphql"},
            {"name": "details", "typeDefs": DETAILS_SDL, "url": "http://details.invalid/graphql"},
        ]
    )
    supergraph = load_supergraph(sdl)
    if isinstance(supergraph, SupergraphProblems):
        raise RuntimeError(f"generated supergraph does not load: {supergraph}")
    catalog = build_executable_subgraph(
        CATALOG_SDL,
        {"Query.items": lambda _root, _info, first: [{"id": str(i)} for i in range(first)]},
        lambda rep: {"__typename": "Item", "id": rep["id"]},
    )
    details = build_executable_subgraph(
        DETAILS_SDL,
        {},
        lambda rep: {
            "__typename": "Item",
            "id": rep["id"],
            "name": f"item {rep['id']}",
            "price": int(rep["id"]) * 3,
            "tags": ["a", "b"],
        },
    )
    transport = MemoTransport({"catalog": catalog, "details": details})
    return Gateway(supergraph, transport), transport


async def _one(gateway: Any, n: int) -> float:
    from gateway.runtime import GraphQLRequest

    request = GraphQLRequest(query=QUERY, operation_name="Items", variables={"n": n})
    start = time.perf_counter()
    result = await gateway.execute(request, {})
    elapsed = time.perf_counter() - start
    items = result.body.get("data", {}).get("items") if result.body.get("data") else None
    if result.body.get("errors") or items is None or len(items) != n:
        raise RuntimeError(f"wrong answer for n={n}: {str(result.body)[:300]}")
    return elapsed


async def _measure(repeats: int) -> list[dict[str, Any]]:
    gateway, _ = _gateway()
    rows = []
    for n in SIZES:
        await _one(gateway, n)  # fills the plan cache and the transport memo
        runs = max(3, repeats * 100 // n) if n < 1000 else repeats
        times = [await _one(gateway, n) for _ in range(runs)]
        gc.disable()  # the same requests without the cyclic GC, to show what it costs
        try:
            times_no_gc = [await _one(gateway, n) for _ in range(runs)]
        finally:
            gc.enable()
        gc.collect()
        tracemalloc.start()
        await _one(gateway, n)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        median = statistics.median(times)
        rows.append(
            {
                "entities": n,
                "runs": runs,
                "median_ms": median * 1000,
                "us_per_entity": median * 1e6 / n,
                "median_ms_gc_off": statistics.median(times_no_gc) * 1000,
                "peak_alloc_mb": peak / 2**20,
                "kb_per_entity": peak / 1024 / n,
            }
        )
        print(
            f"  entities {n:6}: {median * 1000:8.2f} ms  {median * 1e6 / n:6.1f} us/entity  "
            f"peak alloc {peak / 2**20:7.2f} MB",
            flush=True,
        )
    return rows


def measure_entities(*, repeats: int = 5) -> list[dict[str, Any]]:
    """One row per response size: median time, time per entity, peak Python allocation."""
    return asyncio.run(_measure(repeats))
