"""`python -m devstack run` serves the demo world; SIGTERM stops every process it started."""

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
from devstack.stack import ROOT

pytestmark = pytest.mark.integration

BANNER_TIMEOUT_SECONDS = 180.0


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


def test_run_serves_the_demo_world_and_stops_everything(
    mongodb_uri: str, db_prefix: str, output_dir: Path
) -> None:
    port = free_port()
    env = dict(os.environ)
    env.update(
        PORT=str(port),
        MONGODB_URI=mongodb_uri,
        MONGODB_DB=db_prefix,
        DEVSTACK_FREE_PORTS="1",
        DEVSTACK_LOG_DIR=str(output_dir / "logs"),
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
        children = _children(proc.pid)
        assert len(children) == 5  # four subgraphs and the gateway (the database is external)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert [pid for pid in children if _alive(pid)] == []
        assert "stopped." in out_path.read_text()
    finally:
        if proc.poll() is None:
            stop_pid(proc.pid)
