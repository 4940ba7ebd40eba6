"""Start and stop the processes the harness owns, each pinned to one core, each in its own group.

Every process is started in a new session so that stopping it (by its own pid's group) also stops
anything it forked, and nothing else on the machine. Under root it runs at a raised priority, so
that other work on a shared machine takes as little as possible of the measured cores.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "PRIORITY",
    "Started",
    "port_is_free",
    "raise_priority",
    "start_pinned",
    "stop",
    "wait_for_port",
]

# The machine may be shared with other work. A raised scheduling priority (root only) keeps that
# work from taking a measured core's time.
PRIORITY = ("nice", "-n", "-10") if os.geteuid() == 0 else ()


def raise_priority(pid: int) -> None:
    """Raise the priority of `pid`'s session as a whole (Linux autogroup), when allowed.

    With scheduler autogroups, CPU time is shared fairly between sessions first, so a process's
    own nice value hardly matters against other sessions' work: the session's autogroup nice
    does. Every process the harness starts leads its own session, so this touches only them.
    """
    if os.geteuid() != 0:
        return
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text("-10")


@dataclass(slots=True)
class Started:
    """A process the harness started: its Popen and where its output goes."""

    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, chars: int = 1500) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def start_pinned(
    command: Sequence[str],
    *,
    core: int,
    log: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Started:
    """Run `command` under `taskset -c core`, its output appended to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*PRIORITY, "taskset", "-c", str(core), *command],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    raise_priority(process.pid)
    return Started(process, log)


def stop(started: Started, *, grace_s: float = 5.0) -> None:
    """SIGTERM the process group the harness created, then SIGKILL it if it lingers."""
    if started.alive():
        try:
            os.killpg(started.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            started.process.wait(timeout=grace_s)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(started.pid, signal.SIGKILL)  # stray workers left in the group
    started.process.wait()


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) != 0


def wait_for_port(host: str, port: int, *, deadline_s: float) -> bool:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if not port_is_free(host, port):
            return True
        time.sleep(0.1)
    return False
