"""The machine and tool versions a run was measured on, recorded beside its numbers."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.gateways import GATEWAYS, node_binary
from benchmarks.load import wrk_version

__all__ = ["machine_details"]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _output(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)
    except OSError:
        return "unavailable"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else ""


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) // 1024} MB"
    except OSError:
        pass
    return "unknown"


def _python_packages() -> dict[str, str]:
    versions = {}
    names = ("graphql-core", "orjson", "uvicorn", "starlette", "uvloop", "httptools", "aiohttp")
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def machine_details() -> dict[str, Any]:
    """CPU model, core count, memory, kernel, and every tool's version."""
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "memory": _memory_total(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "python_packages": _python_packages(),
        "node_for_peers": _output([str(node_binary()), "--version"]),
        "wrk": wrk_version(),
        "gateways": {name: spec.version() for name, spec in GATEWAYS.items()},
    }
