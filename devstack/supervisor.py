"""Keep the dev stack's children running: restart one that dies, with backoff, on the same port.

`make run` is a developer's whole graph for hours. Before, one dead subgraph stopped everything;
now the supervisor notices a child that exited, logs how it ended, and starts it again from the
same `ServiceSpec` (same argv, environment and port, so every URL the others were given, and
FerretDB's `MONGODB_URI`, stays valid). The delay doubles on each failure in a row, so a child
that cannot start (a port taken by someone else, a broken build) does not spin; after running
for a while a child counts as healthy again and the next crash restarts it quickly.

Restarts do not block: `tick()` looks at every child once (exited? due for a restart? ready
yet?) and returns, so one child stuck in start-up never delays noticing another. Stopping goes
in reverse start order, by PID, and only touches processes this supervisor started.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from devstack.processes import (
    Service,
    ServiceSpec,
    exit_status,
    launch,
    start_process,
    stop_pid,
)

__all__ = ["Backoff", "Supervisor", "describe_exit"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Backoff:
    """Seconds to wait before restart number `failures` of a child that keeps failing."""

    first: float = 0.5
    factor: float = 2.0
    longest: float = 30.0
    healthy_after: float = 30.0  # a child that ran this long has its failure count reset

    def delay(self, failures: int) -> float:
        return float(min(self.longest, self.first * self.factor ** max(0, failures - 1)))


@dataclass(frozen=True, slots=True, kw_only=True)
class _Child:
    """One watched child: its spec and where it is in the start, run, restart cycle."""

    spec: ServiceSpec
    pid: int  # the latest process, possibly ended
    state: Literal["starting", "ready", "waiting"]  # waiting: ended, restart at `restart_at`
    started_at: float
    failures: int = 0  # failures in a row
    restarts: int = 0
    restart_at: float = 0.0


def describe_exit(code: int) -> str:
    """`code 3`, or `signal SIGKILL (code -9)` for a child ended by a signal."""
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name} (code {code})"
        except ValueError:
            return f"code {code}"
    return f"code {code}"


def _stamp(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Supervisor:
    """The children of one stack, in start order, each restarted when it dies."""

    def __init__(self, backoff: Backoff = Backoff(), log: Callable[[str], None] = _stamp) -> None:
        self._backoff = backoff
        self._log = log
        self._children: dict[str, _Child] = {}

    def launch(self, spec: ServiceSpec) -> Service:
        """Start `spec`, wait until it is ready, and watch it from then on."""
        service = launch(spec)
        self.adopt(spec, service.pid)
        return service

    def adopt(self, spec: ServiceSpec, pid: int) -> None:
        """Watch a child already started (and ready) from `spec` as process `pid`."""
        if spec.name in self._children:
            raise ValueError(f"{spec.name} is already supervised")
        self._children[spec.name] = _Child(
            spec=spec, pid=pid, state="ready", started_at=time.monotonic()
        )

    def service(self, name: str) -> Service:
        """`name` as it runs now, or last ran (its PID changes with each restart)."""
        child = self._children[name]
        return child.spec.service(child.pid)

    def services(self) -> list[Service]:
        return [self.service(name) for name in self._children]

    def restarts(self, name: str) -> int:
        return self._children[name].restarts

    def is_ready(self, name: str) -> bool:
        return self._children[name].state == "ready"

    def tick(self) -> None:
        """Look at every child once: notice exits, start due restarts, mark restarts ready."""
        for name, child in list(self._children.items()):
            self._children[name] = self._step(child, time.monotonic())

    def _step(self, child: _Child, now: float) -> _Child:
        name = child.spec.name
        if child.state == "waiting":
            if now < child.restart_at:
                return child
            pid = start_process(child.spec.argv, child.spec.env, child.spec.log_path)
            self._log(f"{name}: restarted as pid {pid} on port {child.spec.port}")
            restarts = child.restarts + 1
            return replace(child, pid=pid, state="starting", started_at=now, restarts=restarts)
        code = exit_status(child.pid)
        if code is not None:
            return self._schedule(child, now, f"exited with {describe_exit(code)}")
        if child.state == "starting":
            if child.spec.ready():
                self._log(f"{name}: ready again (pid {child.pid})")
                return replace(child, state="ready")
            if now - child.started_at > child.spec.start_timeout:
                stop_pid(child.pid)
                reason = f"not ready within {child.spec.start_timeout:.0f}s, stopped"
                return self._schedule(child, now, reason)
        return child

    def _schedule(self, child: _Child, now: float, reason: str) -> _Child:
        ran_well = child.state == "ready" and now - child.started_at >= self._backoff.healthy_after
        failures = 1 if ran_well else child.failures + 1
        delay = self._backoff.delay(failures)
        self._log(
            f"{child.spec.name}: {reason}; restarting in {delay:.1f}s"
            f" (failure {failures} in a row; see {child.spec.log_path})"
        )
        return replace(child, state="waiting", failures=failures, restart_at=now + delay)

    def watch(self, stopping: Callable[[], bool], interval: float = 0.5) -> None:
        """`tick()` every `interval` seconds until `stopping()` is true."""
        while not stopping():
            self.tick()
            time.sleep(interval)

    def stop(self) -> None:
        """Stop every child, newest first, by PID; the supervisor watches nothing afterwards."""
        for child in reversed(list(self._children.values())):
            if child.state != "waiting":
                stop_pid(child.pid)
        self._children.clear()
