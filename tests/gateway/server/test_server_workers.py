"""`gateway serve --workers N`: worker processes rebuild the same settings from the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.gateway.server.server_support import post_json, start_gateway_process

pytestmark = pytest.mark.integration


def test_two_workers_serve_the_same_graph(supergraph_file: Path, server_dir: Path) -> None:
    log_path = server_dir / "gateway-workers.log"
    log_path.unlink(missing_ok=True)  # the log is appended to; count this run only
    args = ["--supergraph", str(supergraph_file), "--workers", "2", "--production"]
    gateway = start_gateway_process(args, log_path)
    try:
        for _ in range(8):
            reply = post_json(gateway.port, {"query": "{ people { id } }"}, "application/json")
            assert reply.json() == {"data": {"people": [{"id": "1"}, {"id": "2"}]}}
        headers = {"apollo-query-plan-experimental": "1"}
        planned = post_json(gateway.port, {"query": "{ people { id } }"}, headers=headers)
        assert "extensions" not in planned.json()  # production mode reached the workers
    finally:
        gateway.stop()
    workers = set(re.findall(r"Started server process \[(\d+)\]", log_path.read_text()))
    assert len(workers) == 2
