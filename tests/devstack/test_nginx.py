"""The cluster's nginx config: nginx itself accepts it, and it says what the cluster relies on."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from devstack.cluster import Replicas, replica_names, replicas_from_env
from devstack.nginx import Upstream, find_nginx, nginx_config, nginx_spec

FRONT = Upstream(name="gateway", listen=4000, replicas=(5001, 5002))
BACKENDS = (Upstream(name="accounts", listen=4001, replicas=(5101, 5102)),)


def test_nginx_accepts_the_config_it_is_given(tmp_path: Path) -> None:
    binary = find_nginx()
    if binary is None:
        pytest.skip("nginx is not installed (make nginx)")
    spec = nginx_spec(binary, tmp_path / "nginx", tmp_path / "logs", FRONT, BACKENDS)
    checked = subprocess.run(
        [*spec.argv, "-t"], capture_output=True, text=True, timeout=30, check=False
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def test_the_config_balances_with_passive_checks_and_streams(tmp_path: Path) -> None:
    text = nginx_config(tmp_path, tmp_path, FRONT, BACKENDS)
    for port in (5001, 5002, 5101, 5102):
        assert f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" in text
    assert "listen 127.0.0.1:4000;" in text
    assert "listen 127.0.0.1:4001;" in text
    assert "proxy_next_upstream error timeout http_502 http_503 http_504;" in text
    assert "non_idempotent" not in text  # a POST that reached a replica is never sent twice
    assert "proxy_set_header Upgrade $http_upgrade;" in text  # graphql-ws subscriptions
    assert "proxy_buffering off;" in text  # SSE and incremental delivery as written
    # Only the client-facing server states the client's address; the gateway's passes on.
    assert text.count("X-Forwarded-For $remote_addr") == 1
    assert f"pid {tmp_path / 'nginx.pid'};" in text
    assert "user " not in text


def test_replica_counts_come_from_the_environment() -> None:
    assert replicas_from_env({}) == Replicas()
    chosen = replicas_from_env({"GATEWAY_REPLICAS": "3", "SUBGRAPH_REPLICAS": "1"})
    assert (chosen.gateways, chosen.subgraphs) == (3, 1)
    assert replica_names("gateway", 3) == ["gateway-1", "gateway-2", "gateway-3"]
    for bad in ("0", "x", "17", "-1"):
        with pytest.raises(SystemExit, match="GATEWAY_REPLICAS"):
            replicas_from_env({"GATEWAY_REPLICAS": bad})
