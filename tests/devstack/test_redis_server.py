"""devstack's redis-server: started without persistence on its port, and optional."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.processes import free_port, launch
from devstack.redis_server import find_redis_server, redis_ping, redis_spec
from devstack.supervisor import Supervisor
from devstack.up import StackOptions, start_redis

pytestmark = pytest.mark.integration


def test_redis_answers_ping_and_saves_nothing(tmp_path: Path) -> None:
    binary = find_redis_server()
    assert binary is not None, "redis-server is missing: run `make redis` (Debian's package)"
    port = free_port()
    service = launch(redis_spec(binary, port, tmp_path / "work", tmp_path / "redis.log"))
    try:
        assert redis_ping(port)()
    finally:
        service.stop()
    assert not redis_ping(port)()
    assert list((tmp_path / "work").iterdir()) == []  # no dump.rdb, no append-only file


def test_without_redis_server_the_stack_goes_on_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no redis-server on it
    options = StackOptions(log_dir=tmp_path, gateway_port=free_port(), db_prefix="unused")
    supervisor = Supervisor()
    assert start_redis(options, supervisor) is None
    assert supervisor.services() == []
    assert "redis-server is not installed" in capsys.readouterr().out
