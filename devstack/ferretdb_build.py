"""Build FerretDB v1.24.2 (SQLite backend, no cgo) from its Go module into `.cache/ferretdb/bin`.

`go install .../cmd/ferretdb@v1.24.2` yields a binary that panics at start-up because the module
zip lacks `build/version/version.txt`, so the module's source is copied out of the module cache,
that file is written, the fixes in `ferretdb_patches` are applied, and `./cmd/ferretdb` is built
from the copy. A stamp next to the binary records the version and patches it was built with.
Go runs with its state under `.cache/go` (`devstack.golang`), and a file lock lets parallel
callers share one build.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import sys
from pathlib import Path

from devstack.ferretdb_patches import apply_patches, patches_digest
from devstack.golang import CACHE, GoError, run_go

__all__ = ["FERRETDB_MODULE", "FERRETDB_VERSION", "FerretDBBuildError", "ensure_ferretdb"]

FERRETDB_MODULE = "github.com/FerretDB/FerretDB"
FERRETDB_VERSION = "v1.24.2"
FERRETDB_HOME = CACHE / "ferretdb"
BINARY = FERRETDB_HOME / "bin" / "ferretdb"
STAMP = FERRETDB_HOME / "bin" / "ferretdb.stamp"


class FerretDBBuildError(GoError):
    """Go is missing or the build failed; the message says which and shows Go's output."""


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


def _run_go(args: list[str], cwd: Path) -> str:
    try:
        return run_go(args, cwd)
    except GoError as exc:
        raise FerretDBBuildError(str(exc)) from exc


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
