"""The supervisor restarts a dead child on its port with backoff, logs how it ended, stops it."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from devstack.processes import ServiceSpec, free_port, http_ok, start_process
from devstack.supervisor import Backoff, Supervisor, describe_exit

pytestmark = pytest.mark.integration

WAIT_SECONDS = 30.0
FAST = Backoff(first=0.2, factor=2.0, longest=1.0, healthy_after=60.0)


def _web_spec(tmp_path: Path) -> ServiceSpec:
    port = free_port()
    return ServiceSpec(
        name="web",
        argv=(sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"),
        env=dict(os.environ),
        log_path=tmp_path / "web.log",
        port=port,
        ready=http_ok(f"http://127.0.0.1:{port}/"),
        start_timeout=20.0,
    )


def _tick_until(supervisor: Supervisor, done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        supervisor.tick()
        if done():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} within {WAIT_SECONDS}s")


def _restarted_once(supervisor: Supervisor, name: str) -> bool:
    return supervisor.restarts(name) == 1 and supervisor.is_ready(name)


def test_backoff_doubles_up_to_its_longest() -> None:
    backoff = Backoff(first=0.5, factor=2.0, longest=3.0)
    assert [backoff.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_exit_descriptions_name_the_signal() -> None:
    assert describe_exit(3) == "code 3"
    assert describe_exit(-9) == "signal SIGKILL (code -9)"


def test_a_killed_child_is_restarted_on_its_port_and_answers(tmp_path: Path) -> None:
    lines: list[str] = []
    supervisor = Supervisor(FAST, log=lines.append)
    first = supervisor.launch(_web_spec(tmp_path))
    try:
        os.kill(first.pid, signal.SIGKILL)
        _tick_until(supervisor, lambda: _restarted_once(supervisor, "web"), "no restart")
        again = supervisor.service("web")
        assert again.pid != first.pid
        assert again.port == first.port
        assert http_ok(f"{again.url}/")()
        killed = "web: exited with signal SIGKILL (code -9); restarting in 0.2s"
        assert any(killed in line for line in lines), lines
    finally:
        supervisor.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(again.pid, 0)


def test_a_child_that_keeps_failing_waits_longer_each_time(tmp_path: Path) -> None:
    lines: list[str] = []
    supervisor = Supervisor(FAST, log=lines.append)
    crashing = ServiceSpec(
        name="crashing",
        argv=(sys.executable, "-c", "import sys; sys.exit(3)"),
        env=dict(os.environ),
        log_path=tmp_path / "crashing.log",
        port=free_port(),
        ready=lambda: False,
    )
    supervisor.adopt(crashing, start_process(crashing.argv, crashing.env, crashing.log_path))
    try:
        _tick_until(supervisor, lambda: supervisor.restarts("crashing") >= 3, "three restarts")
    finally:
        supervisor.stop()
    exits = [line for line in lines if "exited with code 3" in line]
    assert [line.split("restarting in ")[1].split("s ")[0] for line in exits[:3]] == [
        "0.2",
        "0.4",
        "0.8",
    ]
    assert "failure 3 in a row" in exits[2]
