"""`python -m devstack run` serves the demo world, restarts what dies, and SIGTERM stops it all.

The first test runs it as `OTEL_EXPORTER_OTLP_ENDPOINT=... make run` would, with an OTLP
receiver in the test: every one of the five processes sends its spans (issue 18's Show line).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devstack.demo_people import DEMO_PERSON
from devstack.graphql_client import post_graphql, require_data
from devstack.processes import free_port, stop_pid
from devstack.redis_server import find_redis_server
from devstack.stack import ROOT
from tests.gateway.telemetry.otlp_receiver import OtlpReceiver, ReceivedSpan

pytestmark = pytest.mark.integration

BANNER_TIMEOUT_SECONDS = 180.0
RESTART_TIMEOUT_SECONDS = 90.0
SERVICES = {"gateway"} | {
    f"subgraph-{n}" for n in ("accounts", "whatsapp", "facebook", "instagram")
}
EVERYWHERE = (
    "query Everywhere { me { displayName whatsapp { id } facebook { id } instagram { id } } }"
)


def _children(pid: int) -> list[int]:
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.is_file() and stat.read_text().split()[2] != "Z"


def _wait_for_banner(proc: subprocess.Popen[bytes], out_path: Path) -> str:
    deadline = time.monotonic() + BANNER_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        text = out_path.read_text()
        if "Press Ctrl-C" in text:
            return text
        assert proc.poll() is None, f"devstack run exited early:\n{text}"
        time.sleep(0.5)
    pytest.fail(f"no banner within {BANNER_TIMEOUT_SECONDS}s:\n{out_path.read_text()}")


def _traced_services(spans: list[ReceivedSpan]) -> set[str]:
    """The services with a span in the trace of the `Everywhere` request."""
    roots = [s for s in spans if s.name == "query Everywhere"]
    return {s.service for s in spans if roots and s.trace_id == roots[0].trace_id}


def test_run_serves_the_demo_world_and_stops_everything(
    mongodb_uri: str, db_prefix: str, output_dir: Path
) -> None:
    with OtlpReceiver() as receiver:
        _serve_and_stop(mongodb_uri, db_prefix, output_dir, receiver)


def _serve_and_stop(
    mongodb_uri: str, db_prefix: str, output_dir: Path, receiver: OtlpReceiver
) -> None:
    port = free_port()
    env = dict(os.environ)
    env.update(
        PORT=str(port),
        MONGODB_URI=mongodb_uri,
        MONGODB_DB=db_prefix,
        DEVSTACK_FREE_PORTS="1",
        DEVSTACK_LOG_DIR=str(output_dir / "logs"),
        OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY="100",
    )
    out_path = output_dir / "run.out"
    with out_path.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "devstack", "run"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        banner = _wait_for_banner(proc, out_path)
        assert f"GraphiQL:      http://127.0.0.1:{port}/graphql" in banner
        assert f"{DEMO_PERSON.email} / {DEMO_PERSON.password}" in banner
        token = re.search(r"Bearer ([\w.-]+)", banner)
        assert token is not None
        url = f"http://127.0.0.1:{port}/graphql"
        me = require_data(post_graphql(url, "{ me { displayName } }", token=token.group(1)), "me")
        assert me == {"me": {"displayName": DEMO_PERSON.display_name}}
        everywhere = post_graphql(url, EVERYWHERE, token=token.group(1))
        assert not everywhere.errors, everywhere.errors
        spans = receiver.wait_for(lambda found: _traced_services(found) == SERVICES, 30.0)
        assert _traced_services(spans) == SERVICES
        children = _children(proc.pid)
        # four subgraphs, the gateway and Redis when installed (the database is external)
        assert len(children) == 5 + (find_redis_server() is not None)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert [pid for pid in children if _alive(pid)] == []
        assert "stopped." in out_path.read_text()
    finally:
        if proc.poll() is None:
            stop_pid(proc.pid)


def _child_with(parent: int, marker: str) -> tuple[int, str]:
    """The PID and command line of `parent`'s one child whose command line holds `marker`."""
    rows = [(pid, _command_line(pid)) for pid in _children(parent)]
    matches = [(pid, args) for pid, args in rows if marker in args]
    assert len(matches) == 1, rows
    return matches[0]


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _wait_for_text(proc: subprocess.Popen[bytes], out_path: Path, text: str, after: int) -> None:
    deadline = time.monotonic() + RESTART_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if text in out_path.read_text()[after:]:
            return
        assert proc.poll() is None, f"devstack run exited:\n{out_path.read_text()}"
        time.sleep(0.5)
    pytest.fail(f"no {text!r} within {RESTART_TIMEOUT_SECONDS}s:\n{out_path.read_text()}")


def _me_answers(url: str, token: str) -> None:
    """`me` (which reaches every subgraph) answers with data again, within a bounded wait."""
    deadline = time.monotonic() + RESTART_TIMEOUT_SECONDS
    query = "{ me { displayName whatsapp { phoneNumber } } }"
    while time.monotonic() < deadline:
        response = post_graphql(url, query, token=token)
        if not response.errors and response.data and response.data["me"]["whatsapp"]:
            assert response.data["me"]["displayName"] == DEMO_PERSON.display_name
            return
        time.sleep(0.5)
    pytest.fail(f"`me` did not answer again within {RESTART_TIMEOUT_SECONDS}s")


def _kill_and_see_restart(
    proc: subprocess.Popen[bytes], out_path: Path, name: str, marker: str
) -> tuple[str, str]:
    """SIGKILL `name` (found by `marker`), wait for its restart; its old and new command lines."""
    pid, args = _child_with(proc.pid, marker)
    seen = len(out_path.read_text())
    os.kill(pid, signal.SIGKILL)
    _wait_for_text(proc, out_path, f"{name}: exited with signal SIGKILL (code -9)", seen)
    _wait_for_text(proc, out_path, f"{name}: ready again", seen)
    new_pid, new_args = _child_with(proc.pid, marker)
    assert new_pid != pid
    return args, new_args


@pytest.mark.skipif(bool(os.environ.get("MONGODB_URI")), reason="needs devstack's own FerretDB")
def test_run_restarts_a_killed_subgraph_and_ferretdb_on_its_port(
    output_dir: Path, tmp_path: Path
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"MONGODB_URI", "MONGODB_DB"}}
    env.update(
        PORT=str(port),
        DEVSTACK_FREE_PORTS="1",
        DEVSTACK_LOG_DIR=str(output_dir / "logs"),
        DEVSTACK_DATA_DIR=str(tmp_path / "data"),
    )
    out_path = output_dir / "run.out"
    with out_path.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "devstack", "run"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        token = re.search(r"Bearer ([\w.-]+)", _wait_for_banner(proc, out_path))
        assert token is not None
        url = f"http://127.0.0.1:{port}/graphql"
        _kill_and_see_restart(proc, out_path, "whatsapp", "subgraphs.whatsapp")
        _me_answers(url, token.group(1))
        before, after = _kill_and_see_restart(proc, out_path, "ferretdb", "--listen-addr=")
        assert after == before  # same port, so every subgraph's MONGODB_URI still holds
        _me_answers(url, token.group(1))
        children = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert [pid for pid in children if _alive(pid)] == []
    finally:
        if proc.poll() is None:
            stop_pid(proc.pid)
