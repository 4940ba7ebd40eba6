"""Build FerretDB v1.24.2 (SQLite backend, no cgo) from its Go module into `.cache/ferretdb/bin`.

`go install .../cmd/ferretdb@v1.24.2` yields a binary that panics at start-up because the module
zip lacks `build/version/version.txt`, so the module's source is copied out of the module cache,
that file is written, the fixes in `ferretdb_patches` are applied, and `./cmd/ferretdb` is built
from the copy. A stamp next to the binary records the version and patches it was built with.
Every Go directory (GOPATH, module cache, build cache, config) stays under `.cache/go`, and a
file lock lets parallel callers share one build.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from devstack.ferretdb_patches import apply_patches, patches_digest

__all__ = ["FERRETDB_MODULE", "FERRETDB_VERSION", "FerretDBBuildError", "ensure_ferretdb"]

FERRETDB_MODULE = "github.com/FerretDB/FerretDB"
FERRETDB_VERSION = "v1.24.2"
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
FERRETDB_HOME = CACHE / "ferretdb"
BINARY = FERRETDB_HOME / "bin" / "ferretdb"
STAMP = FERRETDB_HOME / "bin" / "ferretdb.stamp"
BUILD_TIMEOUT_SECONDS = 1800


class FerretDBBuildError(RuntimeError):
    """Go is missing or the build failed; the message says which and shows Go's output."""


def go_env() -> dict[str, str]:
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
    return env


def ensure_ferretdb() -> Path:
    """Return the FerretDB binary, building it first when it is not in the cache."""
    if _is_built():
        return BINARY
    FERRETDB_HOME.mkdir(parents=True, exist_ok=True)
    with (FERRETDB_HOME / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _is_built():
            _build()
    return BINARY


def _stamp() -> str:
    return f"{FERRETDB_VERSION} patches={patches_digest()}\n"


def _is_built() -> bool:
    if not (BINARY.is_file() and os.access(BINARY, os.X_OK) and STAMP.is_file()):
        return False
    return STAMP.read_text() == _stamp()


def _go() -> str:
    go = shutil.which("go") or (
        "/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").is_file() else None
    )
    if go is None:
        raise FerretDBBuildError(
            "FerretDB must be built with Go, and `go` was not found on PATH. Install Go 1.24 or "
            "later, or set MONGODB_URI to an existing MongoDB-compatible server."
        )
    return go


def _run_go(args: list[str], cwd: Path) -> str:
    try:
        result = subprocess.run(
            [_go(), *args],
            cwd=cwd,
            env=go_env(),
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise FerretDBBuildError(f"`go {' '.join(args)}` timed out") from exc
    if result.returncode != 0:
        raise FerretDBBuildError(
            f"`go {' '.join(args)}` failed ({result.returncode}):\n{result.stderr[-4000:]}"
        )
    return result.stdout


def _build() -> None:
    print(
        f"building FerretDB {FERRETDB_VERSION} with Go into {BINARY} (first time only; this can "
        "take several minutes)",
        file=sys.stderr,
        flush=True,
    )
    FERRETDB_HOME.mkdir(parents=True, exist_ok=True)
    listing = _run_go(
        ["mod", "download", "-json", f"{FERRETDB_MODULE}@{FERRETDB_VERSION}"], FERRETDB_HOME
    )
    module_dir = Path(json.loads(listing)["Dir"])
    source = FERRETDB_HOME / "src"
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(module_dir, source)
    _make_writable(source)
    (source / "build" / "version" / "version.txt").write_text(f"{FERRETDB_VERSION}\n")
    apply_patches(source)
    BINARY.parent.mkdir(parents=True, exist_ok=True)
    partial = BINARY.with_suffix(".partial")
    _run_go(["build", "-trimpath", "-o", str(partial), "./cmd/ferretdb"], source)
    partial.replace(BINARY)
    STAMP.write_text(_stamp())


def _make_writable(tree: Path) -> None:
    for path in [tree, *tree.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR)
