"""A `partner` contract served on its own path, and written by `gateway compose --contract`.

Real processes: the tagged Strawberry subgraph and a gateway serving the full graph at /graphql
and the contract at /partner/graphql.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from graphql import print_schema

from devstack.processes import Service, free_port, start_service
from gateway.cli import main
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.contracts import tagged_subgraph
from tests.gateway.contracts.test_contract_filter import tagged_supergraph
from tests.gateway.server.server_support import call, python_env, start_gateway_process

HERE = Path(__file__).resolve().parent
SETTINGS = """\
contracts:
  partner:
    include: [partner]
    exclude: [internal]
    path: /partner/graphql
"""


@pytest.fixture(scope="module")
def work_dir(test_output_root: Path) -> Path:
    path = test_output_root / "gateway-contracts"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def subgraph(work_dir: Path) -> Iterator[Service]:
    port = free_port()
    argv = [sys.executable, str(HERE / "tagged_subgraph.py"), str(port)]
    health = f"http://127.0.0.1:{port}/health"
    log = work_dir / "tagged.log"
    service = start_service("tagged", argv, python_env(), health, log, 60.0, port=port)
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="module")
def gateway(subgraph: Service, work_dir: Path) -> Iterator[Service]:
    supergraph = work_dir / "supergraph.graphql"
    supergraph.write_text(tagged_supergraph(f"{subgraph.url}/graphql"))
    settings = work_dir / "gateway.yaml"
    settings.write_text(SETTINGS)
    args = ["--config", str(settings), "--supergraph", str(supergraph)]
    service = start_gateway_process(args, work_dir / "gateway.log")
    try:
        yield service
    finally:
        service.stop()


def _post(gateway: Service, path: str, query: str) -> tuple[int, Any]:
    headers = {"content-type": "application/json", "accept": "application/graphql-response+json"}
    reply = call(gateway.port, "POST", path, orjson.dumps({"query": query}), headers)
    return reply.status, reply.json()


INTROSPECT = """{
  __schema { queryType { fields { name } } mutationType { name } types { name } }
  __type(name: "Person") { fields { name } }
}"""


def test_introspection_on_the_contract_path_shows_only_its_fields(gateway: Service) -> None:
    status, body = _post(gateway, "/partner/graphql", INTROSPECT)
    assert status == 200, body
    schema = body["data"]["__schema"]
    assert [f["name"] for f in schema["queryType"]["fields"]] == ["person"]
    assert schema["mutationType"] is None
    assert "AuditEntry" not in {t["name"] for t in schema["types"]}
    assert [f["name"] for f in body["data"]["__type"]["fields"]] == ["id", "name"]
    # The full graph still shows everything at /graphql.
    status, full = _post(gateway, "/graphql", INTROSPECT)
    assert [f["name"] for f in full["data"]["__schema"]["queryType"]["fields"]] == [
        "person",
        "people",
        "audit",
    ]
    assert full["data"]["__schema"]["mutationType"] == {"name": "Mutation"}


def test_a_hidden_field_fails_validation_and_a_visible_one_runs(gateway: Service) -> None:
    status, body = _post(gateway, "/partner/graphql", '{ person(id: "1") { id name } }')
    assert status == 200, body
    assert body == {"data": {"person": {"id": "1", "name": "Ada Lovelace"}}}
    for hidden in ('{ person(id: "1") { email } }', "{ people { name } }", "{ audit { message } }"):
        status, body = _post(gateway, "/partner/graphql", hidden)
        assert status == 400, body
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    status, body = _post(gateway, "/graphql", '{ person(id: "1") { email } }')
    assert body == {"data": {"person": {"email": "ada@example.org"}}}


def test_compose_writes_the_contract_supergraph(
    work_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work_dir / "people.graphql").write_text(tagged_subgraph.schema.as_str())
    (work_dir / "supergraph.yaml").write_text(
        "federation_version: 2\nsubgraphs:\n  people:\n"
        "    routing_url: http://127.0.0.1:1/graphql\n    schema:\n      file: ./people.graphql\n"
    )
    settings = work_dir / "compose-settings.yaml"
    settings.write_text(SETTINGS)
    output = work_dir / "partner.graphql"
    argv = ["compose", "--config", str(work_dir / "supergraph.yaml"), "-o", str(output)]
    assert main([*argv, "--contract", "partner", "--settings", str(settings)]) == 0
    contract = load_supergraph(output.read_text())
    assert isinstance(contract, Supergraph), str(contract)
    api = print_schema(contract.api_schema)
    assert "person(id: ID!): Person" in api
    assert "people" not in api
    assert "email" not in api
    assert "@inaccessible" in output.read_text()
    assert main([*argv, "--contract", "public", "--settings", str(settings)]) == 2
    assert "no contract 'public'" in capsys.readouterr().err
