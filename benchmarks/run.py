"""Run every gateway one after another on the same subgraphs, query, load and CPU allotment.

Each round starts each gateway pinned to the gateway core, checks its answer against the
reference, then for each scenario warms it up and measures it with wrk on the load core, where the
subgraphs also run. The gateway order rotates from round to round so that no gateway always
runs first or last. A gateway that does not start or answers wrongly is recorded as failing, and
the others are still measured.
"""

from __future__ import annotations

import dataclasses
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from benchmarks.check import check_gateway, wait_until_correct
from benchmarks.config import GATEWAY_CORE, GATEWAY_PORT, HOST, LOAD_CORE, SUBGRAPH_PORTS
from benchmarks.gateways import GATEWAYS, HIVE_ROUTER_GATEWAYS, GatewaySpec, ensure_peers
from benchmarks.hive_router import ensure_hive_router
from benchmarks.load import CONNECTIONS, ensure_wrk, run_wrk
from benchmarks.machine import machine_details
from benchmarks.processes import Started, port_is_free, start_pinned, stop, wait_for_port
from benchmarks.procstat import core_busy_seconds, cpu_seconds, peak_rss_bytes
from benchmarks.workload import BENCH_DIR

__all__ = ["SCENARIOS", "Settings", "run_benchmarks"]

WORK_DIR = BENCH_DIR / ".work"
GATEWAY_URL = f"http://{HOST}:{GATEWAY_PORT}/graphql"
# Scenario name -> whether every request carries its own Authorization header.
SCENARIOS = {"identical": False, "unique-auth": True}


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """How long and how often to measure; `quick` is the under-three-minutes mode."""

    rounds: int
    warmup_s: float
    measure_s: float
    gateways: tuple[str, ...]
    quick: bool
    startup_s: float

    @classmethod
    def for_mode(cls, *, quick: bool, gateways: tuple[str, ...] | None = None) -> Settings:
        chosen = gateways or tuple(GATEWAYS)
        if quick:
            return cls(rounds=1, warmup_s=2, measure_s=6, gateways=chosen, quick=True, startup_s=30)
        return cls(rounds=3, warmup_s=8, measure_s=20, gateways=chosen, quick=False, startup_s=60)


def _subgraph_requests() -> int:
    total = 0
    for port in SUBGRAPH_PORTS.values():
        with urllib.request.urlopen(f"http://{HOST}:{port}/stats", timeout=5) as response:
            total += int(orjson.loads(response.read())["requests"])
    return total


def _failed(spec: GatewaySpec, round_index: int, scenario: str, detail: str) -> dict[str, Any]:
    print(f"  {spec.name} {scenario}: FAILED {detail[:300]}", flush=True)
    return {
        "round": round_index,
        "gateway": spec.name,
        "scenario": scenario,
        "status": "failed",
        "detail": detail,
    }


def _measure_scenario(
    spec: GatewaySpec,
    gateway: Started,
    subgraphs: Started,
    settings: Settings,
    round_index: int,
    scenario: str,
) -> dict[str, Any]:
    unique = SCENARIOS[scenario]
    auth = "Bearer bench-check" if unique else None
    before = check_gateway(GATEWAY_URL, authorization=auth)
    if not before.ok:
        return _failed(spec, round_index, scenario, f"check before load: {before.detail}")
    length = before.length
    run_wrk(GATEWAY_URL, seconds=settings.warmup_s, unique_auth=unique, expected_length=length)
    gateway_cpu, subgraph_cpu = cpu_seconds(gateway.pid), cpu_seconds(subgraphs.pid)
    calls = _subgraph_requests()
    cores = core_busy_seconds()
    load = run_wrk(
        GATEWAY_URL, seconds=settings.measure_s, unique_auth=unique, expected_length=before.length
    )
    gateway_cpu = cpu_seconds(gateway.pid) - gateway_cpu
    subgraph_cpu = cpu_seconds(subgraphs.pid) - subgraph_cpu
    calls = _subgraph_requests() - calls
    cores = {core: busy - cores[core] for core, busy in core_busy_seconds().items()}
    time.sleep(0.5)  # requests wrk left in flight finish their subgraph calls
    alone = _subgraph_requests()
    after = check_gateway(GATEWAY_URL, authorization=auth)
    alone = _subgraph_requests() - alone
    record = {
        "round": round_index,
        "gateway": spec.name,
        "scenario": scenario,
        "status": "ok" if after.ok and load.errors == 0 else "errors",
        "detail": "" if after.ok else f"check after load: {after.detail}",
        "response_bytes": before.length,
        "gateway_cpu_pct": 100 * gateway_cpu / load.duration_s,
        "subgraph_cpu_pct": 100 * subgraph_cpu / load.duration_s,
        "wrk_cpu_pct": 100 * load.wrk_cpu_s / load.duration_s,
        "gateway_core_busy_pct": 100 * cores[GATEWAY_CORE] / load.duration_s,
        "load_core_busy_pct": 100 * cores[LOAD_CORE] / load.duration_s,
        "others_on_gateway_core_pct": 100 * (cores[GATEWAY_CORE] - gateway_cpu) / load.duration_s,
        "peak_rss_mb": peak_rss_bytes(gateway.pid) / 2**20,
        "subgraph_calls_per_query": calls / load.requests if load.requests else None,
        # Under load the ratio counts the calls of requests still in flight when wrk stops (and
        # shows sharing between clients); one query sent alone shows what its plan sends.
        "subgraph_calls_one_query": alone,
        "errors": load.errors,
        **asdict(load),
    }
    print(
        f"  {spec.name:26} {scenario:12} {load.rps:8.1f} rps  p50 {load.p50_ms:7.1f} ms  "
        f"p99 {load.p99_ms:7.1f} ms  cpu {record['gateway_cpu_pct']:5.1f}%  "
        f"rss {record['peak_rss_mb']:6.1f} MB  errors {load.errors}  "
        f"calls/q {record['subgraph_calls_per_query'] or 0:.2f}  "
        f"subgraphs {record['subgraph_cpu_pct']:.0f}% wrk {record['wrk_cpu_pct']:.0f}% "
        f"others on gw core {record['others_on_gateway_core_pct']:.0f}% "
        f"load core {record['load_core_busy_pct']:.0f}%",
        flush=True,
    )
    return record


def _measure_gateway(
    spec: GatewaySpec, subgraphs: Started, settings: Settings, round_index: int
) -> list[dict[str, Any]]:
    if not port_is_free(HOST, GATEWAY_PORT):
        detail = f"port {GATEWAY_PORT} is taken by a process the harness did not start"
        return [_failed(spec, round_index, s, detail) for s in SCENARIOS]
    log = WORK_DIR / "logs" / f"{spec.name}-round{round_index}.log"
    log.unlink(missing_ok=True)
    try:
        gateway = start_pinned(
            spec.command(), core=GATEWAY_CORE, log=log, cwd=spec.cwd, env=spec.env
        )
    except OSError as error:
        return [_failed(spec, round_index, s, f"could not start: {error}") for s in SCENARIOS]
    try:
        launched = time.monotonic()
        ready = wait_until_correct(GATEWAY_URL, deadline_s=settings.startup_s, alive=gateway.alive)
        if not ready.ok:
            detail = f"startup check: {ready.detail}\nlog tail:\n{gateway.log_tail()}"
            return [_failed(spec, round_index, s, detail) for s in SCENARIOS]
        startup_s = time.monotonic() - launched
        records = [
            _measure_scenario(spec, gateway, subgraphs, settings, round_index, scenario)
            for scenario in SCENARIOS
        ]
        for record in records:
            record["first_correct_answer_s"] = startup_s
        return records
    finally:
        stop(gateway)


def _start_subgraphs() -> Started:
    for port in SUBGRAPH_PORTS.values():
        if not port_is_free(HOST, port):
            raise RuntimeError(f"subgraph port {port} is taken by a process not started here")
    subgraphs = start_pinned(
        [sys.executable, "-m", "benchmarks.subgraphs"],
        core=LOAD_CORE,
        log=WORK_DIR / "logs" / "subgraphs.log",
    )
    for port in SUBGRAPH_PORTS.values():
        if not wait_for_port(HOST, port, deadline_s=30):
            stop(subgraphs)
            raise RuntimeError(f"subgraphs did not start:\n{subgraphs.log_tail()}")
    return subgraphs


def run_benchmarks(settings: Settings) -> dict[str, Any]:
    """Measure every chosen gateway in every scenario and round; return the raw results."""
    ensure_wrk()
    ensure_peers()
    wanted = [name for name in settings.gateways if name in HIVE_ROUTER_GATEWAYS]
    if wanted and not ensure_hive_router(build=not settings.quick):
        kept = tuple(name for name in settings.gateways if name not in HIVE_ROUTER_GATEWAYS)
        settings = dataclasses.replace(settings, gateways=kept)
    started_at = datetime.now(UTC)
    wall = time.monotonic()
    subgraphs = _start_subgraphs()
    records: list[dict[str, Any]] = []
    try:
        for round_index in range(settings.rounds):
            shift = round_index % len(settings.gateways)
            order = settings.gateways[shift:] + settings.gateways[:shift]
            print(f"round {round_index + 1}/{settings.rounds}: {', '.join(order)}", flush=True)
            for name in order:
                records.extend(_measure_gateway(GATEWAYS[name], subgraphs, settings, round_index))
    finally:
        stop(subgraphs)
    return {
        "started_at": started_at.isoformat(timespec="seconds"),
        "wall_s": round(time.monotonic() - wall, 1),
        "mode": "quick" if settings.quick else "full",
        "settings": {
            **asdict(settings),
            "connections": CONNECTIONS,
            "wrk_threads": 1,
            "gateway_core": GATEWAY_CORE,
            "load_core": LOAD_CORE,
            "scenarios": SCENARIOS,
        },
        "machine": machine_details(),
        "gateways": {
            name: {
                "label": GATEWAYS[name].label,
                "config": GATEWAYS[name].config,
                "is_ours": GATEWAYS[name].is_ours,
            }
            for name in settings.gateways
        },
        "runs": records,
    }
