"""The MongoDB-compatible server: `MONGODB_URI` when set, otherwise our own FerretDB process.

FerretDB runs on 127.0.0.1 on a free port with the SQLite backend and its data folder under
`.cache/ferretdb/data/`, telemetry off and no debug HTTP listener (so several instances can run
side by side). It counts as up once it answers `ping` over the wire, and it is stopped by PID.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from devstack.ferretdb_build import FERRETDB_HOME, ensure_ferretdb
from devstack.processes import ServiceSpec, ServiceStartError, free_port, launch, stop_pid

__all__ = [
    "Database",
    "drop_prefixed",
    "ferretdb_spec",
    "fresh_data_dir",
    "new_prefix",
    "open_database",
    "ping",
    "start_ferretdb",
]

DATA_ROOT = FERRETDB_HOME / "data"
START_TIMEOUT_SECONDS = 60.0
PORT_ATTEMPTS = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class Database:
    """A reachable server. `pid` and `spec` (to start it again) are set only when we started it."""

    uri: str
    pid: int | None = None
    spec: ServiceSpec | None = None
    data_dir: Path | None = None
    log_path: Path | None = None
    remove_data_on_stop: bool = False

    def stop(self) -> None:
        """Stop our own FerretDB (never an external server) and drop its throwaway data."""
        if self.pid is not None:
            stop_pid(self.pid)
        self.remove_throwaway_data()

    def remove_throwaway_data(self) -> None:
        """Delete the data folder if it was made for this run only (the server must be stopped)."""
        if self.remove_data_on_stop and self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def ping(uri: str, timeout_ms: int = 1000) -> bool:
    """True when the server at `uri` answers the `ping` command."""
    client: MongoClient[dict[str, object]] = MongoClient(
        uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
    )
    try:
        client.admin.command("ping")
    except PyMongoError:
        return False
    finally:
        client.close()
    return True


def new_prefix() -> str:
    """A database-name prefix nobody else uses, e.g. `t_1a2b3c4d5e6f`."""
    return f"t_{uuid.uuid4().hex[:12]}"


def drop_prefixed(uri: str, prefix: str) -> list[str]:
    """Drop every database whose name starts with `prefix`; return the sorted names dropped."""
    client: MongoClient[dict[str, object]] = MongoClient(uri, serverSelectionTimeoutMS=5000)
    try:
        names = sorted(name for name in client.list_database_names() if name.startswith(prefix))
        for name in names:
            client.drop_database(name)
    finally:
        client.close()
    return names


def fresh_data_dir() -> Path:
    """A new, empty data folder for one throwaway run."""
    path = DATA_ROOT / f"run-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    return path


def _ping_check(uri: str) -> Callable[[], bool]:
    return lambda: ping(uri, timeout_ms=300)


def ferretdb_spec(binary: Path, data_dir: Path, log_path: Path, port: int) -> ServiceSpec:
    """FerretDB on 127.0.0.1:`port` over `data_dir`, ready once it answers `ping`.

    A restart from the same spec listens on the same port, so `MONGODB_URI` stays valid.
    """
    argv = (
        str(binary),
        "--handler=sqlite",
        f"--sqlite-url=file:{data_dir}/",
        f"--listen-addr=127.0.0.1:{port}",
        f"--state-dir={data_dir}",
        "--debug-addr=-",
        "--telemetry=disable",
        "--log-level=warn",
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "FERRETDB_TELEMETRY": "disable"}
    uri = f"mongodb://127.0.0.1:{port}/"
    return ServiceSpec(
        name="ferretdb",
        argv=argv,
        env=env,
        log_path=log_path,
        port=port,
        ready=_ping_check(uri),
        start_timeout=START_TIMEOUT_SECONDS,
    )


def start_ferretdb(data_dir: Path, log_path: Path, *, throwaway: bool) -> Database:
    """Start FerretDB on a free 127.0.0.1 port and wait until it answers `ping`."""
    binary = ensure_ferretdb()
    data_dir.mkdir(parents=True, exist_ok=True)
    last_error: ServiceStartError | None = None
    for _ in range(PORT_ATTEMPTS):
        spec = ferretdb_spec(binary, data_dir, log_path, free_port())
        try:
            service = launch(spec)
        except ServiceStartError as exc:  # most likely the port was taken meanwhile
            last_error = exc
            continue
        return Database(
            uri=f"mongodb://127.0.0.1:{spec.port}/",
            pid=service.pid,
            spec=spec,
            data_dir=data_dir,
            log_path=log_path,
            remove_data_on_stop=throwaway,
        )
    assert last_error is not None
    raise last_error


def open_database(log_dir: Path, *, data_dir: Path | None = None) -> Database:
    """`MONGODB_URI` when it is set; otherwise a FerretDB of our own.

    Without `data_dir` the data lives in a fresh folder that is removed on `stop()`.
    """
    external = os.environ.get("MONGODB_URI")
    if external:
        return Database(uri=external)
    throwaway = data_dir is None
    folder = fresh_data_dir() if data_dir is None else data_dir
    return start_ferretdb(folder, log_dir / "ferretdb.log", throwaway=throwaway)
