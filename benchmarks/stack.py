"""The whole Accounts Center stack under the `Me` query: gateway, four subgraphs, FerretDB, Redis.

The workload benchmark (`run.py`) measures the gateway alone against memoised subgraphs. This
one measures what a signed-in person's `Me` costs end to end, the way `make run` serves it: the
real subgraphs verify the forwarded token on every call and read MongoDB (FerretDB). It runs
twice on the same data, changing one thing:

- `introspection`: no Redis, so every subgraph call that checks the token asks accounts over
  HTTP whether it was revoked (and accounts reads its session collection);
- `pushed`: `REDIS_URL` set, so revocations are pushed and checks are answered from memory
  (`subgraphs/common/revocations.py`).

The demo people are loaded through the public APIs and each signs in `TOKENS_PER_PERSON` times,
so requests rotate over many distinct tokens (the gateway forwards `Authorization`, so no two
clients share a subgraph request). wrk is pinned to the load core; the stack is not pinned (it
is several processes on a 2-core machine), so the figures that compare are CPU per query per
component and RPS of the same machine in both modes. Nothing here asserts a number.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from benchmarks.load import LoadResult, run_wrk
from benchmarks.procstat import cpu_seconds, peak_rss_bytes
from benchmarks.workload import BENCH_DIR
from devstack.database import drop_prefixed, new_prefix, open_database
from devstack.demo import DEMO_PEOPLE, load_person, sign_in
from devstack.graphql_client import post_graphql
from devstack.processes import Service, free_port
from devstack.redis_server import RedisServer
from devstack.stack import ROOT, gateway_env, start_gateway, start_subgraphs, stop_all

__all__ = ["StackRun", "demo_tokens", "measure_me", "run_stack_benchmark", "to_markdown"]

TOKENS_PER_PERSON = 40
ME_QUERY = (ROOT / "examples" / "me.graphql").read_text()
SCRIPT = BENCH_DIR / "lua" / "tokens.lua"
MODES = ("introspection", "pushed")
WARMUP_SECONDS = 3.0


@dataclass(frozen=True, slots=True, kw_only=True)
class StackRun:
    """One mode's figures: load, latency, and CPU milliseconds per query for each component."""

    mode: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    cpu_ms_per_query: dict[str, float]
    peak_rss_mb: dict[str, float]


def run_stack_benchmark(seconds: float, out_dir: Path) -> list[StackRun]:
    """Measure both modes on one database and write `<timestamp>-stack.{json,md}`."""
    log_dir = Path(tempfile.mkdtemp(prefix="bench-stack-"))
    database = open_database(log_dir)
    prefix = new_prefix()
    runs: list[StackRun] = []
    try:
        for mode in MODES:
            with _stack(mode, database.uri, prefix, log_dir) as (gateway, components):
                tokens = demo_tokens(gateway.url, {n: s.url for n, s in components.items()})
                pids = {"gateway": gateway.pid, **{n: s.pid for n, s in components.items()}}
                if database.pid is not None:  # our own FerretDB: its CPU is part of the cost
                    pids["ferretdb"] = database.pid
                runs.append(measure_me(mode, gateway.url, pids, tokens, seconds))
    finally:
        drop_prefixed(database.uri, prefix)
        database.stop()
    _write(runs, out_dir)
    return runs


@contextmanager
def _stack(
    mode: str, mongodb_uri: str, prefix: str, log_dir: Path
) -> Iterator[tuple[Service, dict[str, Service]]]:
    redis = RedisServer(log_dir / f"{mode}-redis.log") if mode == "pushed" else None
    url = redis.start().url if redis is not None else None
    subgraphs = start_subgraphs(mongodb_uri, prefix, log_dir / mode, redis_url=url)
    try:
        supergraph = ROOT / "schema" / "supergraph.graphql"
        env = {**gateway_env(subgraphs), "GATEWAY_LOG_LEVEL": "warning"}
        gateway = start_gateway(supergraph, free_port(), env, log_dir / mode / "gateway.log")
        try:
            components = dict(subgraphs)
            if redis is not None and redis.pid is not None:
                components["redis"] = Service(
                    name="redis",
                    host="127.0.0.1",
                    port=redis.port,
                    pid=redis.pid,
                    log_path=redis.log_path,
                )
            yield gateway, components
        finally:
            gateway.stop()
    finally:
        stop_all(subgraphs.values())
        if redis is not None:
            redis.stop()


def demo_tokens(gateway_url: str, services: dict[str, str]) -> list[str]:
    """Load the demo people (idempotent) and sign each in many times; check one `Me` through
    the gateway at `gateway_url` (a process, or nginx in front of several)."""
    urls = {name: f"{url}/graphql" for name, url in services.items() if name != "redis"}
    tokens: list[str] = []
    for person in DEMO_PEOPLE:
        load_person(urls, person)
        tokens.extend(
            sign_in(urls["accounts"], person.email, person.password)
            for _ in range(TOKENS_PER_PERSON)
        )
    answer = post_graphql(f"{gateway_url}/graphql", ME_QUERY, token=tokens[0])
    if answer.errors or not (answer.data or {}).get("me"):
        raise RuntimeError(f"Me did not answer cleanly: {answer.body}")
    return tokens


def measure_me(
    mode: str, gateway_url: str, pids: dict[str, int], tokens: list[str], seconds: float
) -> StackRun:
    with tempfile.TemporaryDirectory() as scratch:
        body = Path(scratch) / "me.json"
        body.write_bytes(orjson.dumps({"query": ME_QUERY, "operationName": "Me"}))
        token_file = Path(scratch) / "tokens.txt"
        token_file.write_text("\n".join(tokens) + "\n")
        env = {"BENCH_BODY_FILE": str(body), "BENCH_TOKENS_FILE": str(token_file)}
        url = f"{gateway_url}/graphql"

        def load_for(duration: float) -> LoadResult:
            return run_wrk(url, seconds=duration, unique_auth=False, expected_length=-1,
                           script=SCRIPT, extra_env=env)  # fmt: skip

        load_for(WARMUP_SECONDS)
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        load = load_for(seconds)
        after = {name: cpu_seconds(pid) for name, pid in pids.items()}
    per_query = {
        name: round((after[name] - before[name]) * 1000 / max(1, load.requests), 3) for name in pids
    }
    per_query["total"] = round(sum(per_query.values()), 3)
    rss = {name: round(peak_rss_bytes(pid) / 2**20, 1) for name, pid in pids.items()}
    return StackRun(
        mode=mode,
        rps=round(load.rps, 1),
        p50_ms=round(load.p50_ms, 2),
        p99_ms=round(load.p99_ms, 2),
        errors=load.errors,
        requests=load.requests,
        cpu_ms_per_query=per_query,
        peak_rss_mb=rss,
    )


def _write(runs: list[StackRun], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
    (out_dir / f"{stamp}-stack.json").write_bytes(
        orjson.dumps([asdict(run) for run in runs], option=orjson.OPT_INDENT_2)
    )
    (out_dir / f"{stamp}-stack.md").write_text(to_markdown(runs))


def to_markdown(runs: list[StackRun]) -> str:
    """One table: a row per mode, CPU ms per query per component."""
    seen = dict.fromkeys(name for run in runs for name in run.cpu_ms_per_query)
    names = [name for name in seen if name != "total"] + ["total"]
    head = ["mode", "RPS", "p50 ms", "p99 ms", "errors", *[f"{n} CPU ms/q" for n in names]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for run in runs:
        cells = [run.mode, f"{run.rps:.0f}", f"{run.p50_ms:.1f}", f"{run.p99_ms:.1f}"]
        cells += [str(run.errors), *[f"{run.cpu_ms_per_query.get(n, 0):.2f}" for n in names]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
