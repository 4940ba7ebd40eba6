"""`gateway serve --compose supergraph.yaml`: live but not ready until composition succeeds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from devstack.processes import Service, free_port
from tests.gateway.server.server_support import call, post_json, start_gateway_process

pytestmark = pytest.mark.integration

YAML = """federation_version: =2.9.0
subgraphs:
  people:
    routing_url: {routing}
    schema:
      subgraph_url: {url}
"""


def test_compose_at_start_up_then_serve(
    people_subgraph: Service, server_dir: Path, tmp_path: Path
) -> None:
    compose_file = tmp_path / "supergraph.yaml"
    dead = f"http://127.0.0.1:{free_port()}/graphql"
    compose_file.write_text(YAML.format(url=dead, routing=dead), encoding="utf-8")
    env = {"GATEWAY_COMPOSE_POLL_INTERVAL": "0.3"}
    log_path = server_dir / "gateway-compose.log"
    gateway = start_gateway_process(["--compose", str(compose_file)], log_path, env)
    try:
        not_ready = call(gateway.port, "GET", "/ready")
        assert not_ready.status == 503
        assert "composition failed" in not_ready.json()["reason"]
        early = post_json(gateway.port, {"query": "{ people { id } }"}, "application/json")
        assert early.status == 503
        assert early.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"

        live = f"{people_subgraph.url}/graphql"
        compose_file.write_text(YAML.format(url=live, routing=live), encoding="utf-8")
        deadline = time.monotonic() + 30
        while call(gateway.port, "GET", "/ready").status != 200:
            assert time.monotonic() < deadline, "the gateway never became ready"
            time.sleep(0.2)
        reply = post_json(
            gateway.port, {"query": '{ person(id: "1") { name } }'}, "application/json"
        )
        assert reply.json() == {"data": {"person": {"name": "Ada Lovelace"}}}

        # Dev mode keeps recomposing: a new routing URL is served without a restart.
        compose_file.write_text(YAML.format(url=live, routing=dead), encoding="utf-8")
        deadline = time.monotonic() + 30
        while True:
            moved = post_json(gateway.port, {"query": "{ people { id } }"}, "application/json")
            if moved.json().get("errors"):
                break
            assert time.monotonic() < deadline, "the new supergraph was never served"
            time.sleep(0.2)
        assert moved.json()["errors"][0]["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
        assert "hot-reloaded the supergraph" in log_path.read_text(encoding="utf-8")
    finally:
        gateway.stop()
