"""Profile our gateway under load: py-spy samples the pinned server while wrk drives it.

`python -m benchmarks profile` starts the workload subgraphs and our gateway exactly as the
benchmark does, runs the chosen scenario, and records py-spy's collapsed stacks. The summary
lists the functions with the most samples, by own time and by inclusive time, so the hot spots
can be acted on; the raw stacks are kept for a flame graph (`flamegraph.pl`, speedscope).
"""

from __future__ import annotations

import collections
import shutil
import subprocess
import threading
from pathlib import Path

from benchmarks.check import wait_until_correct
from benchmarks.config import GATEWAY_CORE
from benchmarks.gateways import GATEWAYS
from benchmarks.load import run_wrk
from benchmarks.processes import start_pinned, stop
from benchmarks.run import GATEWAY_URL, SCENARIOS, WORK_DIR, _start_subgraphs

__all__ = ["profile_gateway", "summarise_collapsed"]


def _frame_name(frame: str) -> str:
    # py-spy frames look like "function (path/to/module.py:123)"; keep function and module.
    name, _, where = frame.partition(" (")
    module = where.rsplit(":", 1)[0].removesuffix(")")
    for marker in ("/site-packages/", "/work/main/", "/lib/python3"):
        if marker in module:
            module = module.split(marker, 1)[1]
    return f"{name} ({module})"


_WRAPPERS = ("gateway/cli.py", "gateway/__main__.py", "gateway/server/serve.py")


def summarise_collapsed(path: Path, top: int = 25) -> str:
    """Top functions and modules by own samples, and gateway functions by inclusive samples.

    Inclusive time only lists `gateway/` functions: under asyncio a resumed coroutine's stack
    starts at the event loop, so the server's wrappers would otherwise fill the list.
    """
    own: collections.Counter[str] = collections.Counter()
    modules: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue  # a frame name that spans lines; its samples are too few to matter
        count = int(count_text)
        frames = [_frame_name(f) for f in stack.split(";")]
        total += count
        own[frames[-1]] += count
        modules[frames[-1].rsplit(" (", 1)[-1].rstrip(")")] += count
        for frame in set(frames):
            if "(gateway/" in frame and not any(w in frame for w in _WRAPPERS):
                inclusive[frame] += count
    if not total:
        return "no samples\n"

    def table(counter: collections.Counter[str], limit: int) -> list[str]:
        return [f"  {100 * n / total:5.1f}%  {name}" for name, n in counter.most_common(limit)]

    lines = [f"{total} samples", "", "own time by function:", *table(own, top)]
    lines += ["", "own time by module:", *table(modules, 15)]
    lines += ["", "inclusive time, gateway/ functions:", *table(inclusive, top)]
    return "\n".join(lines) + "\n"


def profile_gateway(
    *, scenario: str, seconds: float, out_dir: Path, gateway_name: str = "ours"
) -> Path:
    """Run `scenario` against our gateway for `seconds` under py-spy; return the summary file."""
    py_spy = shutil.which("py-spy") or str(Path(__import__("sys").executable).parent / "py-spy")
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = out_dir / f"profile-{gateway_name}-{scenario}.collapsed"
    spec = GATEWAYS[gateway_name]
    subgraphs = _start_subgraphs()
    log = WORK_DIR / "logs" / "profile.log"
    gateway = start_pinned(spec.command(), core=GATEWAY_CORE, log=log, cwd=spec.cwd, env=spec.env)
    try:
        ready = wait_until_correct(GATEWAY_URL, deadline_s=60, alive=gateway.alive)
        if not ready.ok:
            raise RuntimeError(f"gateway not ready: {ready.detail}\n{gateway.log_tail()}")
        unique = SCENARIOS[scenario]
        run_wrk(GATEWAY_URL, seconds=3, unique_auth=unique, expected_length=ready.length)
        load = threading.Thread(
            target=run_wrk,
            args=(GATEWAY_URL,),
            kwargs={"seconds": seconds + 2, "unique_auth": unique, "expected_length": ready.length},
        )
        load.start()
        record = [
            py_spy, "record", "--pid", str(gateway.pid), "--duration", str(int(seconds)),
            "--rate", "200", "--format", "raw", "--output", str(raw), "--nonblocking",
        ]  # fmt: skip
        subprocess.run(record, check=True, capture_output=True)
        load.join()
    finally:
        stop(gateway)
        stop(subgraphs)
    summary = out_dir / f"profile-{gateway_name}-{scenario}.txt"
    summary.write_text(summarise_collapsed(raw))
    return summary
