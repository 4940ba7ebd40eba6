"""Turn a run's raw records into medians, ratios to each peer, a markdown table and a chart."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import orjson

__all__ = ["ratios", "summarise", "to_markdown", "write_chart", "write_results"]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summarise(results: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Scenario -> gateway -> medians over the rounds that ran (failed rounds are counted)."""
    summary: dict[str, dict[str, dict[str, Any]]] = {}
    for scenario in results["settings"]["scenarios"]:
        summary[scenario] = {}
        for gateway in results["gateways"]:
            runs = [
                r for r in results["runs"] if r["gateway"] == gateway and r["scenario"] == scenario
            ]
            measured = [r for r in runs if r["status"] != "failed"]
            summary[scenario][gateway] = {
                "rounds": len(runs),
                "measured": len(measured),
                "failed_detail": next((r["detail"] for r in runs if r["status"] == "failed"), ""),
                "rps": _median([r["rps"] for r in measured]),
                "p50_ms": _median([r["p50_ms"] for r in measured]),
                "p99_ms": _median([r["p99_ms"] for r in measured]),
                "gateway_cpu_pct": _median([r["gateway_cpu_pct"] for r in measured]),
                "peak_rss_mb": max((r["peak_rss_mb"] for r in measured), default=None),
                "subgraph_calls_per_query": _median(
                    [r["subgraph_calls_per_query"] or 0.0 for r in measured]
                ),
                "subgraph_calls_one_query": _median(
                    [r.get("subgraph_calls_one_query") or 0 for r in measured]
                ),
                "subgraph_cpu_pct": _median([r["subgraph_cpu_pct"] for r in measured]),
                "errors": sum(r["errors"] for r in measured),
                "requests": sum(r["requests"] for r in measured),
                "rps_per_core": _rps_per_core(measured),
                "first_correct_answer_s": _median(
                    [r["first_correct_answer_s"] for r in measured if "first_correct_answer_s" in r]
                ),
                "others_on_gateway_core_pct": max(
                    (r["others_on_gateway_core_pct"] for r in measured), default=None
                ),
            }
    return summary


def _rps_per_core(runs: list[dict[str, Any]]) -> float | None:
    values = [100 * r["rps"] / r["gateway_cpu_pct"] for r in runs if r["gateway_cpu_pct"]]
    return _median(values)


def ratios(
    summary: dict[str, dict[str, dict[str, Any]]], ours: tuple[str, ...]
) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
    """Scenario -> our variant -> peer -> ours/peer (RPS above 1 and p99 below 1 favour us)."""
    out: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for scenario, gateways in summary.items():
        out[scenario] = {}
        for variant in ours:
            mine = gateways.get(variant)
            if mine is None:
                continue
            out[scenario][variant] = {
                peer: {
                    "rps": _ratio(mine["rps"], figures["rps"]),
                    "p99": _ratio(mine["p99_ms"], figures["p99_ms"]),
                    "peak_rss": _ratio(mine["peak_rss_mb"], figures["peak_rss_mb"]),
                }
                for peer, figures in gateways.items()
                if peer not in ours
            }
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(value: float | None, pattern: str = "{:.0f}") -> str:
    return "—" if value is None else pattern.format(value)


def to_markdown(results: dict[str, Any]) -> str:
    """The human-readable report: machine, settings, one table per scenario, ratios."""
    summary, labels = results["summary"], results["gateways"]
    machine, settings = results["machine"], results["settings"]
    lines = [
        f"# Gateway benchmark, {results['started_at']} ({results['mode']} run)",
        "",
        f"Machine: {machine['cpu_model']}, {machine['cores']} cores, {machine['memory']}, "
        f"Linux {machine['kernel']}; Python {machine['python']}, Node {machine['node_for_peers']} "
        f"for the peers, {machine['wrk']}.",
        f"Each gateway pinned to core {settings['gateway_core']}; wrk ({settings['connections']} "
        f"connections, 1 thread) and the subgraphs on core {settings['load_core']}. "
        f"{settings['rounds']} round(s) of {settings['warmup_s']:.0f} s warm-up + "
        f"{settings['measure_s']:.0f} s measured per scenario; medians over rounds.",
        "",
    ]
    for scenario, gateways in summary.items():
        lines += [
            f"## Scenario: {scenario}",
            "",
            "| gateway | RPS | p50 ms | p99 ms | errors | gateway CPU | RPS per core | peak RSS MB "
            "| subgraph calls/query (one query alone) | subgraph CPU | start to first answer, s "
            "| others on its core |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, f in gateways.items():
            if not f["measured"]:
                reason = f["failed_detail"].splitlines()[0][:120] if f["failed_detail"] else ""
                lines.append(f"| {labels[name]['label']} | FAILED: {reason} |||||||||||")
                continue
            lines.append(
                f"| {labels[name]['label']} | {_fmt(f['rps'])} | {_fmt(f['p50_ms'], '{:.1f}')} "
                f"| {_fmt(f['p99_ms'], '{:.1f}')} | {f['errors']} / {f['requests']} "
                f"| {_fmt(f['gateway_cpu_pct'])}% | {_fmt(f['rps_per_core'])} "
                f"| {_fmt(f['peak_rss_mb'])} | {_fmt(f['subgraph_calls_per_query'], '{:.1f}')} "
                f"({_fmt(f['subgraph_calls_one_query'])}) "
                f"| {_fmt(f['subgraph_cpu_pct'])}% | {_fmt(f['first_correct_answer_s'], '{:.1f}')} "
                f"| {_fmt(f['others_on_gateway_core_pct'])}% (max) |"
            )
        lines.append("")
        for variant, peer_ratios in results["ratios"][scenario].items():
            if not peer_ratios:
                continue
            lines += [
                f"| {labels[variant]['label']} vs | RPS ratio | p99 ratio | peak RSS ratio |",
                "|---|---|---|---|",
            ]
            for peer, r in peer_ratios.items():
                lines.append(
                    f"| {labels[peer]['label']} | {_fmt(r['rps'], '{:.2f}x')} "
                    f"| {_fmt(r['p99'], '{:.2f}x')} | {_fmt(r['peak_rss'], '{:.2f}x')} |"
                )
            lines.append("")
    lines += ["## Gateway configurations", ""]
    versions = machine["gateways"]
    lines += [f"- {v['label']}: {v['config']} ({versions[k]})" for k, v in labels.items()]
    return "\n".join(lines) + "\n"


def write_chart(results: dict[str, Any], path: Path) -> None:
    """Grouped bars: RPS and p99 latency of every gateway in each scenario."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary, labels = results["summary"], results["gateways"]
    scenarios = list(summary)
    names = list(results["gateways"])
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.4))
    width = 0.8 / max(1, len(names))
    for metric, axis, title in (
        ("rps", axes[0], "Requests per second (higher is better)"),
        ("p99_ms", axes[1], "p99 latency, ms (lower is better)"),
    ):
        for i, name in enumerate(names):
            values = [summary[s][name][metric] or 0 for s in scenarios]
            xs = [x + i * width for x in range(len(scenarios))]
            bars = axis.bar(xs, values, width, label=labels[name]["label"])
            axis.bar_label(bars, fmt="%.0f", fontsize=7)
        axis.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(scenarios))])
        axis.set_xticklabels(scenarios)
        axis.set_title(title, fontsize=10)
    handles, names_shown = axes[0].get_legend_handles_labels()
    fig.legend(handles, names_shown, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle(
        f"Standard federation workload, 50 connections, gateway on one pinned core "
        f"({results['started_at'][:10]}, {results['mode']} run)",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_results(results: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Add the summary and ratios to `results`, then write its JSON, markdown and PNG."""
    results["summary"] = summarise(results)
    ours = tuple(name for name, g in results["gateways"].items() if g.get("is_ours"))
    results["ratios"] = ratios(results["summary"], ours)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = results["started_at"][:16].replace(":", "")
    paths = {
        "json": out_dir / f"{stamp}.json",
        "md": out_dir / f"{stamp}.md",
        "png": out_dir / f"{stamp}.png",
    }
    paths["json"].write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2) + b"\n")
    paths["md"].write_text(to_markdown(results))
    write_chart(results, paths["png"])
    return paths
