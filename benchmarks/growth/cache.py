"""A cold first request against warm ones, on the standard workload, broken down by stage.

Cold means a new `Gateway`, whose document cache is empty (the subgraph answers are already
memoised, so only the gateway's own work is timed). Warm is the median of later identical
requests, which hit the cache (it keeps a document from its second sighting).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import TYPE_CHECKING, Any

from benchmarks.growth.transport import MemoTransport
from benchmarks.subgraphs.schema import build_subgraph_schema
from benchmarks.workload import SUBGRAPH_NAMES, SUPERGRAPH, query_text, reference_response

if TYPE_CHECKING:
    from gateway.runtime import Gateway

__all__ = ["measure_cache"]


async def _timed(gateway: Gateway) -> float:
    from gateway.runtime import GraphQLRequest

    request = GraphQLRequest(query=query_text(), operation_name="TestQuery")
    start = time.perf_counter()
    result = await gateway.execute(request, {})
    elapsed = time.perf_counter() - start
    if result.body != reference_response():
        raise RuntimeError(f"wrong answer: {str(result.body)[:300]}")
    return elapsed


async def _measure(warm_runs: int) -> dict[str, Any]:
    from gateway.operation import PreparedOperation, prepare_operation
    from gateway.planner import build_query_plan
    from gateway.runtime import Gateway
    from gateway.supergraph import SupergraphProblems, load_supergraph

    start = time.perf_counter()
    supergraph = load_supergraph(SUPERGRAPH.read_text())
    load_s = time.perf_counter() - start
    if isinstance(supergraph, SupergraphProblems):
        raise RuntimeError(f"workload supergraph does not load: {supergraph}")
    transport = MemoTransport({name: build_subgraph_schema(name) for name in SUBGRAPH_NAMES})
    await _timed(Gateway(supergraph, transport))  # memoise every subgraph answer

    start = time.perf_counter()
    prepared = prepare_operation(supergraph.api_schema, query_text(), "TestQuery")
    prepare_s = time.perf_counter() - start
    if not isinstance(prepared, PreparedOperation):
        raise RuntimeError(f"workload query does not prepare: {prepared}")
    start = time.perf_counter()
    build_query_plan(supergraph, prepared)
    plan_s = time.perf_counter() - start

    gateway = Gateway(supergraph, transport)
    cold_s = await _timed(gateway)
    warm = [await _timed(gateway) for _ in range(warm_runs)]
    warm_s = statistics.median(warm)
    result = {
        "supergraph_load_ms": load_s * 1000,
        "prepare_cold_ms": prepare_s * 1000,
        "plan_cold_ms": plan_s * 1000,
        "first_request_ms": cold_s * 1000,
        "warm_request_median_ms": warm_s * 1000,
        "warm_request_p90_ms": statistics.quantiles(warm, n=10)[-1] * 1000,
        "warm_runs": warm_runs,
    }
    for key, value in result.items():
        print(f"  {key}: {value:.2f}" if isinstance(value, float) else f"  {key}: {value}")
    return result


def measure_cache(*, warm_runs: int = 200) -> dict[str, Any]:
    """Stage timings of a cold request and the median of warm ones, in milliseconds."""
    return asyncio.run(_measure(warm_runs))
