"""The Grafana dashboard in `deploy/grafana/` asks only for metrics the processes really serve."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import CollectorRegistry

from gateway.telemetry import GatewayMetrics, ServingFacts
from subgraphs.common.telemetry import SubgraphMetrics

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "gateway.json"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def _served(registry: CollectorRegistry) -> set[str]:
    names: set[str] = set()
    for family in registry.collect():
        names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ("",)))
    return names


def _expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def _gateway_metrics() -> GatewayMetrics:
    """The gateway's metrics with the serving facts a running server reports."""
    metrics = GatewayMetrics(operation_names=10)
    facts = ServingFacts(
        supergraph_hash="abc", reloads=0, refused_reloads=0, circuits={"a": "open"}
    )
    metrics.watch_serving(lambda: facts)
    return metrics


def test_every_query_names_a_served_metric() -> None:
    served = _served(_gateway_metrics().registry)
    served |= _served(SubgraphMetrics().registry)
    asked = set()
    for expression in _expressions():
        asked.update(re.findall(r"(?<![$\w])((?:gateway|subgraph|process)_[a-z_]+)\b", expression))
    assert asked, "the dashboard queries nothing"
    assert asked <= served, asked - served


def test_the_dashboard_covers_every_gateway_and_subgraph_metric() -> None:
    text = " ".join(_expressions())
    for family in [
        *_gateway_metrics().registry.collect(),
        *SubgraphMetrics().registry.collect(),
    ]:
        if not family.name.startswith("process_"):
            assert family.name in text, family.name
