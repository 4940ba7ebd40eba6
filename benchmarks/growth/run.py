"""`python -m benchmarks growth`: run every cost-growth benchmark, write JSON and one plot each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

__all__ = ["run_growth"]


def _plot(path: Path, draw: Callable[[Any], None]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(7, 4.5))
    draw(axis)
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _entities_plot(rows: list[dict[str, Any]]) -> Callable[[Any], None]:
    def draw(axis: Any) -> None:
        xs = [r["entities"] for r in rows]
        axis.loglog(xs, [r["median_ms"] for r in rows], "o-", label="request time, ms")
        if "median_ms_gc_off" in rows[0]:
            gc_off = [r["median_ms_gc_off"] for r in rows]
            axis.loglog(xs, gc_off, "o:", label="request time with gc disabled, ms")
        axis.loglog(xs, [r["peak_alloc_mb"] for r in rows], "s--", label="peak Python alloc, MB")
        anchor = rows[min(2, len(rows) - 1)]  # past the fixed per-request cost of tiny answers
        ref = anchor["median_ms"] / anchor["entities"]
        label = f"linear through n={anchor['entities']}"
        axis.loglog(xs, [ref * x for x in xs], ":", color="grey", label=label)
        axis.set_xlabel("entities in one response")
        axis.set_title("Gateway cost per request vs entities (plan cached, subgraphs memoised)")

    return draw


def _query_plot(rows: list[dict[str, Any]]) -> Callable[[Any], None]:
    def draw(axis: Any) -> None:
        xs = [r["depth"] for r in rows]
        axis.loglog(xs, [r["plan_ms"] for r in rows], "o-", label="build_query_plan, ms")
        axis.loglog(xs, [r["prepare_ms"] for r in rows], "s--", label="parse + validate, ms")
        axis.set_xlabel("query depth (sequential entity fetches, 4 fields per level)")
        axis.set_title("Cold planning time vs query size (10 generated subgraphs)")

    return draw


def _supergraph_plot(rows: list[dict[str, Any]]) -> Callable[[Any], None]:
    def draw(axis: Any) -> None:
        xs = [r["types"] for r in rows]
        axis.loglog(xs, [r["load_ms"] for r in rows], "o-", label="load_supergraph, ms")
        axis.loglog(xs, [r["plan_ms"] for r in rows], "s-", label="plan a 5-hop query, ms")
        axis.loglog(xs, [r["prepare_ms"] for r in rows], "^--", label="parse + validate, ms")
        axis.set_xlabel("entity types in the supergraph (20 per subgraph, 2 to 100 subgraphs)")
        axis.set_title("Cold planning time vs supergraph size")

    return draw


def _cache_plot(result: dict[str, Any]) -> Callable[[Any], None]:
    def draw(axis: Any) -> None:
        keys = ["prepare_cold_ms", "plan_cold_ms", "first_request_ms", "warm_request_median_ms"]
        labels = ["parse+validate\n(cold)", "plan\n(cold)", "first request\n(cold caches)",
                  "later requests\n(warm, median)"]  # fmt: skip
        bars = axis.bar(labels, [result[k] for k in keys], label="ms, standard workload query")
        axis.bar_label(bars, fmt="%.2f", fontsize=8)
        axis.set_ylabel("ms")
        axis.set_title("Cold vs warm operation and plan caches (subgraphs memoised)")

    return draw


def run_growth(out_dir: Path, *, only: tuple[str, ...] = ()) -> dict[str, Path]:
    """Run the chosen benchmarks (all by default) and write `growth.json` and the plots."""
    from benchmarks.growth.cache import measure_cache
    from benchmarks.growth.entities import measure_entities
    from benchmarks.growth.planning import measure_query_size, measure_supergraph_size

    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(timespec="seconds")}
    paths: dict[str, Path] = {}
    steps: list[tuple[str, Callable[[], Any], Callable[[Any], Callable[[Any], None]]]] = [
        ("cache", measure_cache, _cache_plot),
        ("entities", measure_entities, _entities_plot),
        ("query_size", measure_query_size, _query_plot),
        ("supergraph_size", measure_supergraph_size, _supergraph_plot),
    ]
    for name, measure, plot in steps:
        if only and name not in only:
            continue
        print(f"growth: {name}", flush=True)
        try:
            results[name] = measure()
        except Exception as error:  # one failing stage must not hide the others' numbers
            results[name] = {"failed": f"{type(error).__name__}: {error}"}
            print(f"  FAILED: {results[name]['failed'][:500]}", flush=True)
            continue
        paths[name] = out_dir / f"growth-{name.replace('_', '-')}.png"
        _plot(paths[name], plot(results[name]))
    paths["json"] = out_dir / "growth.json"
    previous: dict[str, Any] = {}
    if paths["json"].exists():
        previous = orjson.loads(paths["json"].read_bytes())
    paths["json"].write_bytes(orjson.dumps({**previous, **results}, option=orjson.OPT_INDENT_2))
    return paths
