"""`python -m gateway serve | plan | compose` as a user runs them: exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.server import server_subgraph
from tests.gateway.server.server_support import ROOT, people_supergraph, python_env


def gateway(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=python_env(),
        cwd=ROOT,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def supergraph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "supergraph.graphql"
    path.write_text(people_supergraph("http://127.0.0.1:9/graphql"), encoding="utf-8")
    return path


def test_help_lists_commands_and_settings() -> None:
    top = gateway("--help")
    assert top.returncode == 0
    for command in ("serve", "plan", "compose"):
        assert command in top.stdout
    serve = gateway("serve", "--help")
    assert "GATEWAY_PORT" in serve.stdout
    assert "GATEWAY_SUBGRAPH_URL_<NAME>" in serve.stdout
    assert "--supergraph" in serve.stdout


def test_serve_with_a_bad_config_file_names_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text("server:\n  port: lots\n", encoding="utf-8")
    result = gateway("serve", "--config", str(config), "--supergraph", "x.graphql")
    assert result.returncode == 2
    assert f"{config}: key 'server.port': expected an integer" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_without_a_supergraph_says_so() -> None:
    result = gateway("serve")
    assert result.returncode == 2
    assert "nothing to serve" in result.stderr


def test_serve_with_a_missing_supergraph_fails_cleanly(tmp_path: Path) -> None:
    missing = tmp_path / "missing.graphql"
    result = gateway("serve", "--supergraph", str(missing), "--port", "1")
    assert result.returncode == 1
    assert f"{missing}: cannot read the supergraph" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_with_an_invalid_supergraph_lists_problems(tmp_path: Path) -> None:
    broken = tmp_path / "broken.graphql"
    broken.write_text("type Query { a: String }\n", encoding="utf-8")
    result = gateway("serve", "--supergraph", str(broken), "--port", "1")
    assert result.returncode == 1
    assert f"{broken}: not a valid supergraph" in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_prints_apollo_text(supergraph_file: Path) -> None:
    result = gateway("plan", "--supergraph", str(supergraph_file), "{ people { name } }")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("QueryPlan {")
    assert 'Fetch(service: "people")' in result.stdout


def test_plan_json_and_stdin(supergraph_file: Path) -> None:
    result = gateway(
        "plan", "--json", "--supergraph", str(supergraph_file), "-", stdin="{ people { id } }"
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["kind"] == "QueryPlan"
    assert plan["node"]["serviceName"] == "people"


def test_plan_of_an_invalid_operation_is_an_error(supergraph_file: Path) -> None:
    result = gateway("plan", "--supergraph", str(supergraph_file), "{ nope }")
    assert result.returncode == 1
    assert "Cannot query field 'nope'" in result.stderr


def test_compose_writes_a_supergraph(tmp_path: Path) -> None:
    (tmp_path / "people.graphql").write_text(server_subgraph.schema.as_str(), encoding="utf-8")
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "federation_version: =2.9.0\nsubgraphs:\n  people:\n"
        "    routing_url: http://127.0.0.1:4001/graphql\n    schema:\n      file: people.graphql\n",
        encoding="utf-8",
    )
    output = tmp_path / "supergraph.graphql"
    result = gateway("compose", "--config", str(config), "-o", str(output))
    assert result.returncode == 0, result.stderr
    loaded = load_supergraph(output.read_text(encoding="utf-8"))
    assert isinstance(loaded, Supergraph)
    assert loaded.subgraphs["people"].url == "http://127.0.0.1:4001/graphql"


def test_compose_failure_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text("subgraphs:\n  people:\n    routing_url: 3\n", encoding="utf-8")
    result = gateway("compose", "--config", str(config))
    assert result.returncode == 1
    assert "composition failed" in result.stderr
    assert "Traceback" not in result.stderr
