"""On SIGTERM the gateway finishes the requests in flight, then closes its pool and exits."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.gateway.server.server_support import Reply, post_json, start_gateway_process

pytestmark = pytest.mark.integration


def test_sigterm_lets_the_request_in_flight_finish(supergraph_file: Path, server_dir: Path) -> None:
    log_path = server_dir / "gateway-shutdown.log"
    log_path.unlink(missing_ok=True)  # the log is appended to; read this run only
    gateway = start_gateway_process(["--supergraph", str(supergraph_file)], log_path)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            started = time.monotonic()
            pending = pool.submit(
                post_json, gateway.port, {"query": "{ slow(seconds: 2) }"}, "application/json"
            )
            time.sleep(0.7)
            assert not pending.done()
            os.kill(gateway.pid, signal.SIGTERM)
            reply: Reply = pending.result(timeout=30)
        assert reply.status == 200
        assert reply.json() == {"data": {"slow": "slept 2.0"}}
        assert time.monotonic() - started >= 2
        deadline = time.monotonic() + 20
        while gateway.is_running() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not gateway.is_running()
        log = log_path.read_text(encoding="utf-8")
        assert "Application shutdown complete" in log
        assert "Traceback" not in log
    finally:
        gateway.stop()


def test_sigterm_stops_waiting_for_requests_at_the_shutdown_deadline(
    supergraph_file: Path, server_dir: Path
) -> None:
    log_path = server_dir / "gateway-shutdown-deadline.log"
    log_path.unlink(missing_ok=True)
    env = {"GATEWAY_SHUTDOWN_TIMEOUT": "1"}
    gateway = start_gateway_process(["--supergraph", str(supergraph_file)], log_path, env)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(
                post_json, gateway.port, {"query": "{ slow(seconds: 6) }"}, "application/json"
            )
            time.sleep(0.7)
            os.kill(gateway.pid, signal.SIGTERM)
            stopped = time.monotonic()
            deadline = stopped + 20
            while gateway.is_running() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not gateway.is_running()
            assert time.monotonic() - stopped < 4  # the 1 s deadline, not the 6 s request
            reply = pending.result(timeout=10)
        assert reply.status == 503
        assert reply.headers["retry-after"] == "5"
        assert reply.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        log = log_path.read_text(encoding="utf-8")
        assert "cut off by the shutdown deadline" in log
        assert "Application shutdown complete" in log
        assert "Traceback" not in log
    finally:
        gateway.stop()
