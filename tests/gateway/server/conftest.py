"""Fixtures for the server tests: the tiny `people` subgraph and a gateway process before it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import Service
from tests.gateway.server.server_support import (
    people_supergraph,
    start_gateway_process,
    start_people_subgraph,
)

EXAMPLE = """# A query for the GraphiQL tab test.
# order: 10
# variables: {"id": "1"}
query PersonById($id: ID!) {
  person(id: $id) { id name }
}
"""


@pytest.fixture(scope="module")
def server_dir(test_output_root: Path, request: pytest.FixtureRequest) -> Path:
    """Logs and files of this module's processes."""
    path = test_output_root / "gateway-server" / request.path.stem
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def people_subgraph(server_dir: Path) -> Iterator[Service]:
    service = start_people_subgraph(server_dir)
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="module")
def supergraph_file(people_subgraph: Service, server_dir: Path) -> Path:
    path = server_dir / "supergraph.graphql"
    path.write_text(people_supergraph(f"{people_subgraph.url}/graphql"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def examples_dir(server_dir: Path) -> Path:
    path = server_dir / "examples"
    path.mkdir(exist_ok=True)
    (path / "person.graphql").write_text(EXAMPLE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gateway(supergraph_file: Path, examples_dir: Path, server_dir: Path) -> Iterator[Service]:
    """A gateway process in dev mode serving the `people` supergraph."""
    env = {
        "GATEWAY_GRAPHIQL_EXAMPLES_DIR": str(examples_dir),
        "GATEWAY_FORWARD_HEADERS": "authorization",  # forwarded only when configured
    }
    service = start_gateway_process(
        ["--supergraph", str(supergraph_file)], server_dir / "gateway.log", env
    )
    try:
        yield service
    finally:
        service.stop()
