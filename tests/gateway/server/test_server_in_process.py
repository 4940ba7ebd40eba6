"""A subgraph served inside the gateway's process (`subgraphs.<name>.schema`), no HTTP hop.

The supergraph names a URL where nothing listens; with the setting, a real gateway process
answers from the Python schema it imported, and the same query without it fails at the URL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.processes import free_port
from gateway.config import ConfigError, load_config
from gateway.server.state import ServingState
from gateway.transports import RoutedTransport
from tests.gateway.server.server_support import people_supergraph, post_json, start_gateway_process

QUERY = {"query": "{ people { id name } }"}
SCHEMA = "tests.gateway.server.server_subgraph:schema"


@pytest.fixture
def unreachable_supergraph(tmp_path: Path) -> Path:
    path = tmp_path / "supergraph.graphql"
    path.write_text(people_supergraph(f"http://127.0.0.1:{free_port()}/graphql"), "utf-8")
    return path


def test_a_subgraph_is_answered_in_process_with_no_server(
    unreachable_supergraph: Path, tmp_path: Path
) -> None:
    args = ["--supergraph", str(unreachable_supergraph)]
    env = {"GATEWAY_SUBGRAPH_SCHEMA_PEOPLE": SCHEMA}
    gateway = start_gateway_process(args, tmp_path / "in-process.log", env)
    try:
        answer = post_json(gateway.port, QUERY).json()
    finally:
        gateway.stop()
    assert "errors" not in answer, answer
    assert answer["data"]["people"], answer


def test_without_the_setting_the_same_supergraph_needs_its_url(
    unreachable_supergraph: Path, tmp_path: Path
) -> None:
    args = ["--supergraph", str(unreachable_supergraph)]
    env = {"GATEWAY_READINESS_SUBGRAPHS": ""}  # ready without the subgraph, to ask it anyway
    gateway = start_gateway_process(args, tmp_path / "over-http.log", env)
    try:
        answer = post_json(gateway.port, QUERY).json()
    finally:
        gateway.stop()
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"


def test_only_the_named_subgraphs_are_routed_in_process() -> None:
    config = load_config(environ={"GATEWAY_SUBGRAPH_SCHEMA_PEOPLE": SCHEMA})
    state = ServingState(config)
    assert isinstance(state.transport, RoutedTransport)
    assert state.transport.default is state.http
    assert ServingState(load_config(environ={})).transport is not None


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("tests.gateway.server.server_subgraph", "expected `module:attribute`"),
        ("tests.gateway.server.nowhere:schema", "cannot import"),
        ("tests.gateway.server.server_subgraph:nothing", "has no nothing"),
    ],
)
def test_a_bad_reference_fails_start_up_with_the_setting_named(
    reference: str, message: str
) -> None:
    config = load_config(environ={"GATEWAY_SUBGRAPH_SCHEMA_PEOPLE": reference})
    with pytest.raises(ConfigError, match=message) as raised:
        ServingState(config)
    assert "subgraphs.people.schema" in str(raised.value)
