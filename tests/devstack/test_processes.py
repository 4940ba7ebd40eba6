"""Service start-up waits on health, reports dead children with their log, and stops by PID."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from devstack.processes import ServiceStartError, free_port, start_service

pytestmark = pytest.mark.integration


def _http_server_argv(port: int) -> list[str]:
    return [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]


def test_service_becomes_healthy_and_stops(tmp_path: Path) -> None:
    port = free_port()
    service = start_service(
        "web",
        _http_server_argv(port),
        dict(os.environ),
        f"http://127.0.0.1:{port}/",
        tmp_path / "web.log",
        20,
        port=port,
    )
    assert service.url == f"http://127.0.0.1:{port}"
    assert service.is_running()
    service.stop()
    assert not service.is_running()
    with pytest.raises(ProcessLookupError):
        os.kill(service.pid, 0)


def test_dead_child_reports_log_tail(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", "import sys; print('boom: bad config'); sys.exit(3)"]
    with pytest.raises(ServiceStartError, match="boom: bad config"):
        start_service(
            "broken", argv, dict(os.environ), "http://127.0.0.1:9/", tmp_path / "b.log", 20, port=9
        )


def test_unhealthy_child_times_out_and_is_stopped(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", "import time; print('sleeping', flush=True); time.sleep(60)"]
    port = free_port()
    with pytest.raises(ServiceStartError, match="did not become ready"):
        start_service(
            "silent",
            argv,
            dict(os.environ),
            f"http://127.0.0.1:{port}/",
            tmp_path / "s.log",
            1,
            port=port,
        )
