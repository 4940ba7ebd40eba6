"""`GET /metrics` on a real gateway process: one process, and `--workers 2` (multiprocess mode).

With workers a scrape reaches one of them; it must still count every worker's requests, which
prometheus-client's multiprocess mode does from the files in the folder the server creates
(and removes when it stops).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from devstack.processes import free_port
from tests.gateway.server.server_support import call, post_json, start_gateway_process

pytestmark = pytest.mark.integration

QUERY = {"query": "query People { people { id } }", "operationName": "People"}


def _samples(port: int, path: str = "/metrics") -> dict[str, list[tuple[dict[str, str], float]]]:
    reply = call(port, "GET", path)
    assert reply.status == 200
    assert reply.content_type.startswith("text/plain")
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(reply.body.decode()):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def _total(samples: list[tuple[dict[str, str], float]], **labels: str) -> float:
    return sum(v for found, v in samples if all(found.get(k) == x for k, x in labels.items()))


def test_one_process_counts_requests_fetches_and_caches(
    supergraph_file: Path, server_dir: Path
) -> None:
    env = {
        "GATEWAY_METRICS_ENABLED": "true",
        "GATEWAY_METRICS_PATH": "/ops/metrics",
        "GATEWAY_METRICS_OPERATION_NAMES": "1",
    }
    gateway = start_gateway_process(
        ["--supergraph", str(supergraph_file)], server_dir / "gateway-metrics.log", env
    )
    try:
        for _ in range(3):
            answer = post_json(gateway.port, QUERY)
            assert answer.status == 200
        served = answer.headers["x-supergraph-hash"]
        other = {"query": "query Other { people { name } }"}
        assert post_json(gateway.port, other).status == 200
        bad = post_json(gateway.port, {"query": "{ nope }"}, "application/graphql-response+json")
        assert bad.status == 400
        assert call(gateway.port, "GET", "/metrics").status == 404  # the path was moved
        page = call(gateway.port, "GET", "/graphql", headers={"accept": "text/html"})
        assert page.status == 200  # GraphiQL: not a GraphQL request, not counted
        samples = _samples(gateway.port, "/ops/metrics")
    finally:
        gateway.stop()
    requests = samples["gateway_requests_total"]
    assert _total(requests, operation_name="People", outcome="success") == 3
    # One name is labelled (GATEWAY_METRICS_OPERATION_NAMES=1): later ones are "other".
    assert _total(requests, operation_name="other", outcome="success") == 1
    assert _total(requests, operation_type="query", outcome="request_error") == 1
    assert _total(requests) == 5
    fetches = samples["gateway_subgraph_fetches_total"]
    assert _total(fetches, subgraph="people", outcome="ok") >= 4
    documents = samples["gateway_document_cache_lookups_total"]
    assert _total(documents, result="hit") == 1  # kept from its second sighting, hit on the third
    plans = samples["gateway_plan_cache_lookups_total"]
    # The first sighting is planned but not kept; the second is kept (planned again); hit on
    # the third. The invalid document is never planned.
    assert (_total(plans, result="hit"), _total(plans, result="miss")) == (1, 3)
    assert "process_cpu_seconds_total" in samples
    # What is served, read at the scrape: the supergraph's hash and each called subgraph's circuit.
    assert samples["gateway_supergraph_info"] == [({"hash": served}, 1.0)]
    reloads = samples["gateway_supergraph_reloads_total"]
    assert (_total(reloads, result="installed"), _total(reloads, result="refused")) == (0, 0)
    circuits = samples["gateway_subgraph_circuit_open"]
    assert circuits == [({"subgraph": "people", "state": "closed"}, 0.0)]


def test_workers_share_their_counts(
    supergraph_file: Path, server_dir: Path, tmp_path: Path
) -> None:
    log_path = server_dir / "gateway-workers-metrics.log"
    log_path.unlink(missing_ok=True)
    args = ["--supergraph", str(supergraph_file), "--workers", "2"]
    env = {"TMPDIR": str(tmp_path), "GATEWAY_METRICS_ENABLED": "true"}
    gateway = start_gateway_process(args, log_path, env)
    try:
        for _ in range(10):
            assert post_json(gateway.port, QUERY).status == 200
        # Each scrape reaches either worker; every one sees all ten requests.
        totals = set()
        for _ in range(6):
            samples = _samples(gateway.port)
            requests = samples["gateway_requests_total"]
            totals.add(_total(requests, operation_name="People", outcome="success"))
            assert _total(samples["gateway_requests_in_flight"]) == 0
        assert totals == {10.0}
        assert list(tmp_path.glob("gateway-metrics-*/*.db"))  # the shared folder
    finally:
        gateway.stop()
    assert not list(tmp_path.glob("gateway-metrics-*"))  # removed on shutdown


@pytest.mark.parametrize("workers", ["1", "2"])
def test_metrics_on_a_port_of_their_own(
    supergraph_file: Path, server_dir: Path, tmp_path: Path, workers: str
) -> None:
    """`metrics.port`: the scrape answers there and only there, and that port serves nothing
    else; with two workers either may accept it and both count."""
    metrics_port = free_port()
    args = ["--supergraph", str(supergraph_file), "--workers", workers]
    env = {
        "TMPDIR": str(tmp_path),
        "GATEWAY_METRICS_ENABLED": "true",
        "GATEWAY_METRICS_PORT": str(metrics_port),
    }
    log_path = server_dir / f"gateway-metrics-port-{workers}.log"
    gateway = start_gateway_process(args, log_path, env)
    try:
        for _ in range(4):
            assert post_json(gateway.port, QUERY).status == 200
        assert call(gateway.port, "GET", "/metrics").status == 404
        assert post_json(metrics_port, QUERY).status == 404  # no GraphQL on the metrics port
        assert call(metrics_port, "GET", "/health").status == 404
        for _ in range(4):
            requests = _samples(metrics_port)["gateway_requests_total"]
            assert _total(requests, operation_name="People", outcome="success") == 4
    finally:
        gateway.stop()
