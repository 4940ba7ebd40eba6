"""Client awareness through a real gateway process: metrics and the access log per client app,
the app's own request budget, and `gateway usage` over the scrape.

The app here is named by the `apollographql-client-name` header; the token's app (which wins
over the header) is tested with real tokens in `tests/gateway/security/test_app_limits.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from devstack.processes import Service, free_port, start_service
from gateway.cli import main
from gateway.telemetry.usage_report import read_usage
from tests.gateway.contracts.test_contract_filter import tagged_supergraph
from tests.gateway.server.server_support import call, python_env, start_gateway_process

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
SETTINGS = """\
metrics:
  enabled: true
  client_names: [partner-app, web]
  field_usage: true
logs:
  access: json
apps:
  partner-app:
    requests: 3
rate_limit:
  window: 3600
"""


@pytest.fixture(scope="module")
def work_dir(test_output_root: Path) -> Path:
    path = test_output_root / "client-awareness"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def gateway(work_dir: Path) -> Iterator[Service]:
    port = free_port()
    argv = [sys.executable, str(CONTRACTS / "tagged_subgraph.py"), str(port)]
    health = f"http://127.0.0.1:{port}/health"
    subgraph = start_service(
        "tagged", argv, python_env(), health, work_dir / "tagged.log", 60.0, port=port
    )
    try:
        supergraph = work_dir / "supergraph.graphql"
        supergraph.write_text(tagged_supergraph(f"{subgraph.url}/graphql"))
        settings = work_dir / "gateway.yaml"
        settings.write_text(SETTINGS)
        args = ["--config", str(settings), "--supergraph", str(supergraph)]
        log = work_dir / "gateway.log"
        log.unlink(missing_ok=True)  # the access log lines of this run only
        service = start_gateway_process(args, log)
        try:
            yield service
        finally:
            service.stop()
    finally:
        subgraph.stop()


def _post(gateway: Service, query: str, client: str | None, version: str = "1.0") -> Any:
    headers = {"content-type": "application/json", "accept": "application/json"}
    if client is not None:
        headers["apollographql-client-name"] = client
        headers["apollographql-client-version"] = version
    reply = call(gateway.port, "POST", "/graphql", orjson.dumps({"query": query}), headers)
    return reply.status, reply.json()


def test_clients_label_metrics_logs_and_get_their_own_budget(
    gateway: Service, capsys: pytest.CaptureFixture[str], work_dir: Path
) -> None:
    person = 'query Person { person(id: "1") { name } }'
    for _ in range(3):
        assert _post(gateway, person, "partner-app")[0] == 200
    status, body = _post(gateway, person, "partner-app")  # the app's 4th request this window
    assert status == 429, body
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "app partner-app" in body["errors"][0]["message"]
    assert _post(gateway, "query Everyone { people { email } }", "web", "2.5")[0] == 200
    assert _post(gateway, person, "someone-else")[0] == 200  # no budget of its own
    assert _post(gateway, person, None)[0] == 200

    scrape = call(gateway.port, "GET", "/metrics").body.decode()
    usage = read_usage(scrape)
    # The refused request was never parsed: counted for the app, as an unknown operation.
    assert usage["partner-app"].operations == {"query Person": 3, "unknown other": 1}
    assert usage["partner-app"].fields == {"Query.person": 3, "Person.name": 3}
    assert usage["web"].fields == {"Query.people": 1, "Person.email": 1}
    assert usage["other"].operations == {"query Person": 1}  # not in metrics.client_names
    assert usage["unidentified"].operations == {"query Person": 1}

    assert main(["usage", f"{gateway.url}/metrics"]) == 0
    report = capsys.readouterr().out
    assert "partner-app: 4 operations" in report
    assert "Person.email" in report

    # The same scrape tells `gateway diff` what clients use: `audit` nobody ran, `email` web did.
    old = work_dir / "old.graphql"
    old.write_text(tagged_supergraph())
    saved = work_dir / "scrape.txt"
    saved.write_text(scrape)
    unused = work_dir / "no-audit.graphql"
    unused.write_text(old.read_text().replace("  audit: [AuditEntry!]!\n", ""))
    assert main(["diff", str(old), str(unused), "--usage", str(saved)]) == 0
    assert "breaking-unused  FIELD_REMOVED                Query.audit" in capsys.readouterr().out
    used = work_dir / "no-email.graphql"
    used.write_text(old.read_text().replace('  email: String! @tag(name: "internal")\n', ""))
    assert main(["diff", str(old), str(used), "--usage", f"{gateway.url}/metrics"]) == 1
    assert "breaking         FIELD_REMOVED                Person.email" in capsys.readouterr().out

    lines = [
        orjson.loads(line)
        for line in Path(gateway.log_path).read_text().splitlines()
        if line.startswith("{") and '"graphql_request"' in line
    ]
    clients = [(line["client_name"], line["client_version"], line["status"]) for line in lines]
    assert clients == [
        ("partner-app", "1.0", 200),
        ("partner-app", "1.0", 200),
        ("partner-app", "1.0", 200),
        ("partner-app", "1.0", 429),
        ("web", "2.5", 200),
        ("someone-else", "1.0", 200),
        (None, None, 200),
    ]
