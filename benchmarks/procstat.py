"""CPU time and peak memory of a process tree, read from /proc (Linux only).

A gateway may fork workers (Node's cluster, our `--workers`), so every figure covers the process
and all its descendants: CPU is the sum of their user+system time, peak RSS the sum of their
VmHWM high-water marks (an upper bound when the peaks did not coincide).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["core_busy_seconds", "cpu_seconds", "peak_rss_bytes", "process_tree", "rss_bytes"]

_TICKS = os.sysconf("SC_CLK_TCK")
_PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces; everything after its ')' is space separated.
    return raw[raw.rfind(")") + 2 :].split()


def process_tree(root: int) -> list[int]:
    """The root pid and every live descendant."""
    children: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def cpu_seconds(root: int) -> float:
    """User plus system CPU seconds consumed so far by the tree's live processes."""
    total = 0
    for pid in process_tree(root):
        fields = _stat_fields(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def peak_rss_bytes(root: int) -> int:
    """Sum of VmHWM (peak resident set) over the tree's live processes."""
    return _status_sum(root, "VmHWM:")


def rss_bytes(root: int) -> int:
    """Sum of VmRSS (resident set now) over the tree's live processes: what is held, not the
    high-water mark, so the growth between two readings is what was added and kept."""
    return _status_sum(root, "VmRSS:")


def _status_sum(root: int, key: str) -> int:
    total = 0
    for pid in process_tree(root):
        try:
            status = (_PROC / str(pid) / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith(key):
                total += int(line.split()[1]) * 1024
    return total


def core_busy_seconds() -> dict[int, float]:
    """Busy (non-idle, non-iowait) seconds per CPU core since boot, from /proc/stat.

    The machine may be shared; the busy time of the gateway's core minus the gateway's own CPU
    time is what other processes took from it during a measurement.
    """
    busy: dict[int, float] = {}
    for line in (_PROC / "stat").read_text().splitlines():
        name, *values = line.split()
        if not name.startswith("cpu") or name == "cpu":
            continue
        ticks = [int(v) for v in values]
        busy[int(name[3:])] = (sum(ticks[:8]) - ticks[3] - ticks[4]) / _TICKS
    return busy
