"""Start and stop child processes by PID, waiting on a health check with a bounded loop.

Every service the devstack runs (FerretDB, subgraphs, gateway) goes through here so that a dead
child is reported with its log tail instead of a bare timeout, and so that stopping never touches
a process this program did not start.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Service",
    "ServiceSpec",
    "ServiceStartError",
    "exit_status",
    "free_port",
    "http_ok",
    "launch",
    "log_tail",
    "start_process",
    "start_service",
    "stop_pid",
    "wait_until",
]

STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.1

# Popen handles of the children we started, so they are reaped through Popen (no zombie, no
# "still running" warning) while the rest of the code only passes PIDs around.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}
# Exit codes of reaped children, so a supervisor can log how a child ended after it was reaped.
_EXIT_CODES: dict[int, int] = {}


class ServiceStartError(RuntimeError):
    """A service died or never became healthy; the message carries its log tail."""


def free_port() -> int:
    """Ask the kernel for a free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def log_tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a log file, or a note that it is missing."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def stop_pid(pid: int, grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM one child we started, then SIGKILL it if it outlives the grace period."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        _reap(pid)
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if _reap(pid):
            return
        time.sleep(POLL_SECONDS)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    for _ in range(50):
        if _reap(pid):
            return
        time.sleep(POLL_SECONDS)


def _reap(pid: int) -> bool:
    """True once `pid` has exited (reaping it if it is our child)."""
    child = _CHILDREN.get(pid)
    if child is not None:
        code = child.poll()
        if code is None:
            return False
        _CHILDREN.pop(pid, None)
        _EXIT_CODES[pid] = code
        return True
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return not _exists(pid)
    return done == pid


def exit_status(pid: int) -> int | None:
    """None while `pid` runs; then its exit code (negative: the signal that ended it).

    -1 stands for "ended, code unknown" (a process that was not started through here).
    """
    if not _reap(pid):
        return None
    return _EXIT_CODES.get(pid, -1)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True, slots=True, kw_only=True)
class Service:
    """A running child process: where it listens, its PID and its log."""

    name: str
    host: str
    port: int
    pid: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def is_running(self) -> bool:
        return not _reap(self.pid)

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        stop_pid(self.pid, grace)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceSpec:
    """How to start one service and tell that it is ready: enough to start it again."""

    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str]
    log_path: Path
    port: int
    ready: Callable[[], bool]
    start_timeout: float = 60.0
    host: str = "127.0.0.1"

    def service(self, pid: int) -> Service:
        """The running `Service` this spec describes, as process `pid`."""
        return Service(
            name=self.name, host=self.host, port=self.port, pid=pid, log_path=self.log_path
        )


def launch(spec: ServiceSpec) -> Service:
    """Start `spec` and return once it is ready (stopped again if it never gets there)."""
    pid = start_process(spec.argv, spec.env, spec.log_path)
    wait_until(spec.name, pid, spec.log_path, spec.ready, spec.start_timeout)
    return spec.service(pid)


def start_process(argv: Sequence[str], env: Mapping[str, str], log_path: Path) -> int:
    """Spawn `argv` with stdout and stderr going to `log_path`; return its PID."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            list(argv),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _CHILDREN[proc.pid] = proc
    return proc.pid


def wait_until(
    name: str, pid: int, log_path: Path, ready: Callable[[], bool], timeout: float
) -> None:
    """Poll `ready` until true; fail with the log tail if the process dies or time runs out."""
    try:
        _poll(name, pid, log_path, ready, timeout)
    except BaseException:
        stop_pid(pid)  # also on Ctrl-C: never leave a half-started child behind
        raise


def _poll(name: str, pid: int, log_path: Path, ready: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _reap(pid):
            raise ServiceStartError(f"{name} exited during start-up:\n{log_tail(log_path)}")
        if ready():
            return
        time.sleep(POLL_SECONDS)
    raise ServiceStartError(
        f"{name} did not become ready within {timeout:.0f}s:\n{log_tail(log_path)}"
    )


def http_ok(url: str) -> Callable[[], bool]:
    """A readiness check that is true when GET `url` answers 200."""

    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                status: int = response.status
                return status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    return check


def start_service(
    name: str,
    argv: Sequence[str],
    env: Mapping[str, str],
    health_url: str,
    log_path: Path,
    timeout: float = 60.0,
    *,
    host: str = "127.0.0.1",
    port: int,
) -> Service:
    """Start an HTTP service and return once `health_url` answers 200."""
    spec = ServiceSpec(
        name=name,
        argv=tuple(argv),
        env=dict(env),
        log_path=log_path,
        port=port,
        ready=http_ok(health_url),
        start_timeout=timeout,
        host=host,
    )
    return launch(spec)
