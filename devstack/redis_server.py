"""A real `redis-server` (Debian's package) on a free 127.0.0.1 port, started and stopped by PID.

Tests and benchmarks that need shared state or pub/sub start their own, with no persistence, so
nothing leaks between runs; `restart` brings it back on the same port, as a restarted Redis would.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import redis

from devstack.processes import free_port, start_process, stop_pid, wait_until

__all__ = ["RedisServer"]

START_TIMEOUT_SECONDS = 30.0


@dataclass(slots=True)
class RedisServer:
    """One redis-server process; `url` stays valid across `restart()`."""

    log_path: Path
    port: int = field(default_factory=free_port)
    pid: int | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server is missing: run `make redis` (Debian's package)"
        argv = [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no"]
        pid = start_process(argv, dict(os.environ), self.log_path)
        client = redis.Redis(host="127.0.0.1", port=self.port)

        def ready() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        try:
            wait_until("redis-server", pid, self.log_path, ready, START_TIMEOUT_SECONDS)
        finally:
            client.close()
        self.pid = pid
        return self

    def stop(self) -> None:
        pid, self.pid = self.pid, None
        if pid is not None:
            stop_pid(pid)

    def restart(self) -> None:
        self.stop()
        self.start()
