"""Drive load with wrk (Debian's package, installed on first use) and read back its figures.

wrk runs pinned to the load core with one thread and 50 connections, and the Lua script
(`lua/graphql.lua`) checks every response's status, length and absence of `"errors"`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import orjson

from benchmarks.config import LOAD_CORE
from benchmarks.processes import PRIORITY, raise_priority
from benchmarks.workload import BENCH_DIR, query_text

__all__ = ["LoadResult", "ensure_wrk", "run_wrk", "wrk_version"]

LUA_SCRIPT = BENCH_DIR / "lua" / "graphql.lua"
CONNECTIONS = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadResult:
    """What one wrk run measured, in wrk's own units converted to seconds and milliseconds."""

    duration_s: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    socket_errors: int
    non_2xx: int
    timeouts: int
    mismatched: int
    with_errors: int
    wrk_cpu_s: float

    @property
    def errors(self) -> int:
        """Every failed or wrong response: socket errors, timeouts, and responses failing checks.

        `mismatched` already includes the non-2xx responses and those carrying `"errors"`.
        """
        return self.socket_errors + self.timeouts + self.mismatched


def ensure_wrk() -> str:
    """Path to wrk, installing Debian's package when it is missing (the harness runs as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, check=False, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True)
        subprocess.run(install, check=True, env=env, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


def wrk_version() -> str:
    done = subprocess.run([ensure_wrk(), "--version"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).splitlines()[0].strip()


def _request_body_file() -> Path:
    path = Path(tempfile.gettempdir()) / "bench-query-body.json"
    path.write_bytes(orjson.dumps({"query": query_text(), "operationName": "TestQuery"}))
    return path


def run_wrk(
    url: str,
    *,
    seconds: float,
    unique_auth: bool,
    expected_length: int,
    script: Path = LUA_SCRIPT,
    extra_env: Mapping[str, str] | None = None,
    connections: int = CONNECTIONS,
) -> LoadResult:
    """Run wrk for `seconds` against `url` and return its figures (raises if wrk fails).

    `script` and `extra_env` let another workload (the whole-stack `Me` query) reuse the
    runner; the script must print the same `BENCH_JSON` line as `lua/graphql.lua`.
    `connections` is how many requests are in flight at once (one wrk thread drives them).
    """
    env = {
        **os.environ,
        "BENCH_BODY_FILE": str(_request_body_file()),
        "BENCH_UNIQUE_AUTH": "1" if unique_auth else "0",
        "BENCH_EXPECTED_LENGTH": str(expected_length),
        **(extra_env or {}),
    }
    command = [
        *PRIORITY, "taskset", "-c", str(LOAD_CORE), ensure_wrk(),
        "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
        "-s", str(script), url,
    ]  # fmt: skip
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        raise_priority(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    line = next((ln for ln in text.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{text[-2000:]}")
    raw = orjson.loads(line.removeprefix("BENCH_JSON "))
    duration = raw["duration_us"] / 1e6
    return LoadResult(
        duration_s=duration,
        requests=raw["requests"],
        rps=raw["requests"] / duration if duration else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        mean_ms=raw["mean_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        socket_errors=raw["connect_errors"] + raw["read_errors"] + raw["write_errors"],
        non_2xx=raw["status_errors"],
        timeouts=raw["timeouts"],
        mismatched=raw["mismatched"],
        with_errors=raw["with_errors"],
        wrk_cpu_s=usage.ru_utime + usage.ru_stime,
    )
