"""Go for the tools built from Go modules into `.cache/` (FerretDB, helm, kubeconform, ...).

Every Go directory (GOPATH, module cache, build cache, config) stays under `.cache/go`, so the
tools share one module and build cache and nothing is written outside the repository's cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["CACHE", "ROOT", "GoError", "download_module", "go_command", "go_env", "run_go"]

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
GO_TIMEOUT_SECONDS = 1800


class GoError(RuntimeError):
    """Go is missing or a `go` command failed; the message says which and shows Go's output."""


def go_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for `go`, with all of Go's state kept under `.cache/go`."""
    go_home = CACHE / "go"
    env = dict(os.environ)
    env.update(
        GOPATH=str(go_home),
        GOMODCACHE=str(go_home / "mod"),
        GOCACHE=str(go_home / "cache"),
        GOENV=str(go_home / "env"),
        XDG_CONFIG_HOME=str(go_home / "config"),
        CGO_ENABLED="0",
        GOFLAGS="-buildvcs=false -modcacherw",
    )
    env.update(extra or {})
    return env


def go_command() -> str:
    """The `go` on PATH, else the official archive's usual place."""
    go = shutil.which("go") or (
        "/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").is_file() else None
    )
    if go is None:
        raise GoError(
            "`go` was not found on PATH. Install Go 1.24 or later: FerretDB (unless MONGODB_URI "
            "points at a server of your own) and the deployment tools are built with it."
        )
    return go


def run_go(args: Sequence[str], cwd: Path, *, extra_env: Mapping[str, str] | None = None) -> str:
    """Run `go args...` in `cwd`; its stdout, or `GoError` with the end of its stderr."""
    try:
        result = subprocess.run(
            [go_command(), *args],
            cwd=cwd,
            env=go_env(extra_env),
            capture_output=True,
            text=True,
            timeout=GO_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise GoError(f"`go {' '.join(args)}` timed out") from exc
    if result.returncode != 0:
        raise GoError(
            f"`go {' '.join(args)}` failed ({result.returncode}):\n{result.stderr[-4000:]}"
        )
    return result.stdout


def download_module(module: str, version: str) -> Path:
    """The read-only directory of `module@version` in the module cache, downloaded if missing."""
    (CACHE / "go").mkdir(parents=True, exist_ok=True)
    listing = run_go(["mod", "download", "-json", f"{module}@{version}"], CACHE / "go")
    return Path(json.loads(listing)["Dir"])
