"""Planning time against query size and against supergraph size, on generated supergraphs.

Each measurement is cold: the operation cache is cleared, so it covers parse + validate
(`prepare_operation`) and `build_query_plan`. Loading the supergraph is timed too, since a
gateway does it at start-up and on every schema change.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.compose import compose_services
from benchmarks.growth.generate import chain_query, generated_services

__all__ = ["measure_query_size", "measure_supergraph_size"]

DEPTHS = (1, 2, 4, 8, 16, 32, 64)
SUBGRAPH_COUNTS = (2, 5, 10, 25, 50, 100)
TYPES_PER_SUBGRAPH = 20


def _median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _load(subgraphs: int, types_per_subgraph: int) -> tuple[Any, float]:
    from gateway.supergraph import SupergraphProblems, load_supergraph

    sdl = compose_services(generated_services(subgraphs, types_per_subgraph))
    start = time.perf_counter()
    supergraph = load_supergraph(sdl)
    elapsed = time.perf_counter() - start
    if isinstance(supergraph, SupergraphProblems):
        raise RuntimeError(f"generated supergraph does not load: {supergraph}")
    return supergraph, elapsed


def _plan_cold(supergraph: Any, query: str) -> tuple[float, float]:
    """Median seconds of (prepare, plan); `prepare_operation` caches nothing."""
    from gateway.operation import OperationErrors, prepare_operation
    from gateway.planner import build_query_plan

    def prepare() -> Any:
        prepared = prepare_operation(supergraph.api_schema, query, "Chain")
        if isinstance(prepared, OperationErrors):
            raise RuntimeError(f"generated query is invalid: {prepared}")
        return prepared

    prepared = prepare()
    runs = 5
    return (
        _median_seconds(prepare, runs),
        _median_seconds(lambda: build_query_plan(supergraph, prepared), runs),
    )


def measure_query_size(*, subgraphs: int = 10, width: int = 3) -> list[dict[str, Any]]:
    """One row per query depth: fields selected, fetches implied, prepare and plan time."""
    supergraph, _ = _load(subgraphs, 5)
    rows = []
    for depth in DEPTHS:
        prepare_s, plan_s = _plan_cold(supergraph, chain_query(depth, width))
        rows.append(
            {
                "depth": depth,
                "fields": (depth + 1) * (width + 1),
                "prepare_ms": prepare_s * 1000,
                "plan_ms": plan_s * 1000,
            }
        )
        print(
            f"  depth {depth:3}: prepare {prepare_s * 1000:8.2f} ms  plan {plan_s * 1000:8.2f} ms"
        )
    return rows


def measure_supergraph_size(*, depth: int = 5, width: int = 3) -> list[dict[str, Any]]:
    """One row per supergraph size: load time, and prepare/plan time of a fixed query."""
    rows = []
    for count in SUBGRAPH_COUNTS:
        supergraph, load_s = _load(count, TYPES_PER_SUBGRAPH)
        prepare_s, plan_s = _plan_cold(supergraph, chain_query(depth, width))
        rows.append(
            {
                "subgraphs": count,
                "types": count * TYPES_PER_SUBGRAPH,
                "load_ms": load_s * 1000,
                "prepare_ms": prepare_s * 1000,
                "plan_ms": plan_s * 1000,
            }
        )
        print(
            f"  {count:3} subgraphs, {count * TYPES_PER_SUBGRAPH:4} types: "
            f"load {load_s * 1e3:9.1f} ms  prepare {prepare_s * 1e3:7.2f} ms  "
            f"plan {plan_s * 1e3:7.2f} ms",
            flush=True,
        )
    return rows
