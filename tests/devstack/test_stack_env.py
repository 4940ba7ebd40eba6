"""The environment devstack gives its processes: the caller's OTEL_* settings reach them all."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.stack import gateway_spec, subgraph_env

PORTS = {"accounts": 4101, "whatsapp": 4102, "facebook": 4103, "instagram": 4104}


def test_traces_reach_every_process_with_a_service_name_each(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "everything")
    for name in PORTS:
        env = subgraph_env(name, PORTS, "mongodb://x", "p", "token", "EU")
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:4318"
        assert env["OTEL_SERVICE_NAME"] == f"subgraph-{name}"
    spec = gateway_spec(tmp_path / "supergraph.graphql", 4000, {}, tmp_path / "gateway.log")
    assert spec.env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:4318"
