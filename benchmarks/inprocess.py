"""`python -m benchmarks inprocess`: the workload's four subgraphs inside the gateway vs over HTTP.

The same gateway command serves the workload query twice: once with every subgraph named as a
Python schema (`GATEWAY_SUBGRAPH_SCHEMA_<NAME>=benchmarks.subgraphs.instances:<name>`, run by
the in-process transport), once with every subgraph over HTTP, served by
`python -m benchmarks.subgraphs` (the same graphql-core schemas and resolvers). The workload is
kept fair in three ways:

- every subgraph request executes its schema: the HTTP subgraphs run with their reply memo off
  (`--execute-every-time`), and each client request carries its own `Authorization`, which the
  gateway forwards, so neither the gateway's subgraph request deduplication (HTTP only) nor any
  memo shares work between client requests;
- the subgraph process is pinned to the gateway's core: both set-ups get one core for the
  gateway and the subgraphs' execution together, and the difference is the HTTP hop itself
  (serialising, the socket, parsing twice), not a second core;
- wrk (on the load core) checks every answer's length and the absence of `errors`.

Each set-up is measured at one connection (p50 is then the request's own latency, no queueing)
and at `SATURATING` connections (throughput when the core is saturated). Results go to
`results/inprocess.json`.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.check import wait_until_correct
from benchmarks.config import GATEWAY_CORE, HOST
from benchmarks.load import run_wrk
from benchmarks.processes import start_pinned, stop, wait_for_port
from benchmarks.run import WORK_DIR
from benchmarks.workload import SUBGRAPH_NAMES, SUPERGRAPH
from devstack.processes import free_port

__all__ = [
    "INSTANCES",
    "InProcessRun",
    "gateway_env",
    "inprocess_markdown",
    "run_inprocess_benchmark",
]

MODES = ("in-process", "http")
SATURATING = 8
"""Connections enough to keep the one gateway core busy (more only lengthen the queue)."""
INSTANCES = "benchmarks.subgraphs.instances"


@dataclass(frozen=True, slots=True, kw_only=True)
class InProcessRun:
    """One set-up at one concurrency: what wrk measured."""

    mode: str
    connections: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    failed: int
    """Answers wrk counted as wrong (status, length, `errors`) plus socket errors."""


def run_inprocess_benchmark(
    seconds: float, out_dir: Path, *, connections: tuple[int, ...] = (1, SATURATING)
) -> list[InProcessRun]:
    """Measure both set-ups for `seconds` at each concurrency (after half as long a warm-up)."""
    logs = WORK_DIR / "logs" / "inprocess"
    ports = {name: free_port() for name in SUBGRAPH_NAMES}
    subgraphs = start_pinned(
        [
            sys.executable, "-m", "benchmarks.subgraphs",
            "--ports", json.dumps(ports), "--execute-every-time",
        ],
        core=GATEWAY_CORE,
        log=logs / "subgraphs.log",
    )  # fmt: skip
    try:
        for port in ports.values():
            if not wait_for_port(HOST, port, deadline_s=60):
                raise RuntimeError(f"subgraphs did not start:\n{subgraphs.log_tail()}")
        runs = [
            run
            for mode in MODES
            for run in _measure(mode, gateway_env(mode, ports), seconds, connections, logs)
        ]
    finally:
        stop(subgraphs)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "inprocess.json").write_text(json.dumps([asdict(r) for r in runs], indent=2))
    return runs


def gateway_env(mode: str, ports: dict[str, int]) -> dict[str, str]:
    env = {"GATEWAY_FORWARD_HEADERS": "authorization"}
    for name in SUBGRAPH_NAMES:
        if mode == "in-process":
            env[f"GATEWAY_SUBGRAPH_SCHEMA_{name.upper()}"] = f"{INSTANCES}:{name}"
        else:
            env[f"GATEWAY_SUBGRAPH_URL_{name.upper()}"] = f"http://{HOST}:{ports[name]}/graphql"
    return env


def _measure(
    mode: str, env: dict[str, str], seconds: float, connections: tuple[int, ...], logs: Path
) -> list[InProcessRun]:
    port = free_port()
    command = [
        sys.executable, "-m", "gateway", "serve", "--supergraph", str(SUPERGRAPH),
        "--host", HOST, "--port", str(port),
        "--workers", "1", "--production", "--log-level", "warning",
    ]  # fmt: skip
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    gateway = start_pinned(
        command, core=GATEWAY_CORE, log=logs / f"gateway-{mode}.log", env={**clean, **env}
    )
    url = f"http://{HOST}:{port}/graphql"
    try:
        ready = wait_until_correct(url, deadline_s=60, alive=gateway.alive)
        if not ready.ok:
            raise RuntimeError(f"{mode} gateway: {ready.detail}\n{gateway.log_tail()}")
        runs = []
        for count in connections:
            run_wrk(url, seconds=max(1.0, seconds / 2), unique_auth=True,
                    expected_length=ready.length, connections=count)  # fmt: skip
            found = run_wrk(url, seconds=seconds, unique_auth=True,
                            expected_length=ready.length, connections=count)  # fmt: skip
            failed = found.non_2xx + found.mismatched + found.with_errors + found.socket_errors
            runs.append(
                InProcessRun(
                    mode=mode,
                    connections=count,
                    requests=found.requests,
                    rps=round(found.rps, 1),
                    p50_ms=round(found.p50_ms, 2),
                    p99_ms=round(found.p99_ms, 2),
                    failed=failed,
                )
            )
            print(f"  {mode:>10} c={count:<3} p50 {found.p50_ms:6.2f} ms  {found.rps:7.1f} rps")
        return runs
    finally:
        stop(gateway)


def inprocess_markdown(runs: list[InProcessRun]) -> str:
    """The runs as a Markdown table, the in-process and HTTP rows side by side per concurrency."""
    lines = [
        "| subgraphs | connections | p50 ms | p99 ms | RPS | failed |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {run.mode} | {run.connections} | {run.p50_ms:.2f} | {run.p99_ms:.2f} "
        f"| {run.rps:.0f} | {run.failed} |"
        for run in sorted(runs, key=lambda r: (r.connections, MODES.index(r.mode)))
    )
    return "\n".join(lines)
