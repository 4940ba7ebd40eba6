"""Whole-stack scaling: the `Me` query through nginx (`make cluster`) with one, then two, gateways.

`stack.py` measures one process of everything. This runs the deployed topology instead (nginx
in front of the gateway replicas and of two processes of each subgraph, one Redis, FerretDB) and
changes one thing between runs: the number of gateway replicas. Scaling efficiency is
RPS(2) / (2 x RPS(1)): 1.0 means a second gateway doubles throughput. It only means something
when the machine has cores to spare: on a 2-core machine every process of the stack and wrk
share the same two cores, so the figure there shows the cost of the topology, not the gateway's
scaling (the report records the core count beside it). Nothing here asserts a number.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from benchmarks.stack import StackRun, demo_tokens, measure_me, to_markdown
from devstack.cluster import Replicas, start_cluster
from devstack.database import new_prefix
from devstack.processes import free_port
from devstack.up import RunningStack, StackOptions

__all__ = ["ScalingReport", "run_scaling_benchmark", "scaling_markdown"]

GATEWAY_COUNTS = (1, 2)
SUBGRAPH_REPLICAS = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class ScalingReport:
    """One run per gateway count, the efficiency of the last over the first, and the machine."""

    runs: list[StackRun]
    efficiency: float
    cores: int
    seconds: float


def _measure(gateways: int, seconds: float, log_dir: Path) -> StackRun:
    options = StackOptions(
        log_dir=log_dir / f"gateways-{gateways}",
        gateway_port=free_port(),
        db_prefix=new_prefix(),
        drop_data_on_stop=True,
    )
    replicas = Replicas(
        gateways=gateways, subgraphs=SUBGRAPH_REPLICAS, nginx_dir=options.log_dir / "nginx"
    )
    stack: RunningStack = start_cluster(options, replicas)
    try:
        base = stack.graphql_url.removesuffix("/graphql")
        tokens = demo_tokens(base, stack.subgraph_urls)
        pids = {service.name: service.pid for service in stack.services()}
        return measure_me(f"{gateways} gateway(s)", base, pids, tokens, seconds)
    finally:
        stack.stop()


def run_scaling_benchmark(seconds: float, out_dir: Path) -> ScalingReport:
    """Measure each gateway count and write `<timestamp>-scaling.{json,md}`."""
    log_dir = Path(tempfile.mkdtemp(prefix="bench-scaling-"))
    runs = [_measure(count, seconds, log_dir) for count in GATEWAY_COUNTS]
    first, last = runs[0], runs[-1]
    ideal = first.rps * GATEWAY_COUNTS[-1] / GATEWAY_COUNTS[0]
    report = ScalingReport(
        runs=runs,
        efficiency=round(last.rps / ideal, 3) if ideal else 0.0,
        cores=os.cpu_count() or 1,
        seconds=seconds,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
    (out_dir / f"{stamp}-scaling.json").write_bytes(
        orjson.dumps(asdict(report), option=orjson.OPT_INDENT_2)
    )
    (out_dir / f"{stamp}-scaling.md").write_text(scaling_markdown(report))
    return report


def scaling_markdown(report: ScalingReport) -> str:
    """The per-run table (CPU ms per query per process) and the efficiency line."""
    return (
        to_markdown(report.runs)
        + f"\nScaling efficiency, {GATEWAY_COUNTS[-1]} gateways over {GATEWAY_COUNTS[0]}:"
        f" {report.efficiency:.2f} (RPS ratio / ideal), on {report.cores} cores shared by"
        f" every process and wrk, {report.seconds:.0f} s per run.\n"
    )
