"""A throwaway `redis-server` on 127.0.0.1: shared state for the gateway and the subgraphs.

The gateway keeps APQ and rate limits in it (`GATEWAY_REDIS_URL`) and the subgraphs get pushed
token revocations through it (`REDIS_URL`). Redis is optional: when Debian's `redis-server` is
not installed (`make redis`), the stack runs without it and says so. Nothing is persisted (no
RDB snapshots, no append-only file), so a restart starts empty, which is all a dev stack needs.

`redis_spec` is the one argv (the supervisor of `make run` restarts from it); `RedisServer` is
the same spec for tests and benchmarks that stop and restart their own server on one port.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devstack.processes import ServiceSpec, free_port, launch, stop_pid

__all__ = ["RedisServer", "find_redis_server", "redis_ping", "redis_spec", "redis_url"]

START_TIMEOUT_SECONDS = 30.0


def find_redis_server() -> Path | None:
    """The `redis-server` binary on PATH (Debian puts it in /usr/bin), or None."""
    found = shutil.which("redis-server")
    return Path(found) if found else None


def redis_url(port: int) -> str:
    return f"redis://127.0.0.1:{port}/0"


def redis_ping(port: int) -> Callable[[], bool]:
    """A readiness check: true when the server on `port` answers PING with +PONG."""

    def check() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    return check


def redis_spec(binary: Path, port: int, work_dir: Path, log_path: Path) -> ServiceSpec:
    """`redis-server` on 127.0.0.1:`port`, nothing saved, its working folder `work_dir`."""
    work_dir.mkdir(parents=True, exist_ok=True)
    argv = (
        str(binary),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(work_dir),
    )
    return ServiceSpec(
        name="redis",
        argv=argv,
        env={"PATH": "/usr/bin:/bin"},
        log_path=log_path,
        port=port,
        ready=redis_ping(port),
        start_timeout=START_TIMEOUT_SECONDS,
    )


@dataclass(slots=True)
class RedisServer:
    """One redis-server process (logging to `log_path`); `url` stays valid across `restart()`."""

    log_path: Path
    port: int = field(default_factory=free_port)
    pid: int | None = None

    @property
    def url(self) -> str:
        return redis_url(self.port)

    def start(self) -> RedisServer:
        binary = find_redis_server()
        assert binary is not None, "redis-server is missing: run `make redis` (Debian's package)"
        work_dir = self.log_path.with_suffix(".d")
        self.pid = launch(redis_spec(binary, self.port, work_dir, self.log_path)).pid
        return self

    def stop(self) -> None:
        pid, self.pid = self.pid, None
        if pid is not None:
            stop_pid(pid)

    def restart(self) -> None:
        self.stop()
        self.start()
