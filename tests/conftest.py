"""Shared fixtures: a real MongoDB-compatible server, per-test databases, and the four subgraphs.

The server is `MONGODB_URI` when set, otherwise one FerretDB process for the whole session. Each
test that asks for `db_prefix` gets database names of its own, dropped afterwards, so tests never
see each other's data. Logs and screenshots go under `test-output/` (or `--test-output DIR`, or
`TEST_OUTPUT_DIR`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.database import Database, drop_prefixed, new_prefix, open_database
from devstack.processes import Service
from devstack.stack import start_subgraphs, stop_all

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--test-output",
        default=os.environ.get("TEST_OUTPUT_DIR", str(ROOT / "test-output")),
        help="folder for logs and screenshots written by tests (default: test-output/)",
    )


@pytest.fixture(scope="session")
def test_output_root(pytestconfig: pytest.Config) -> Path:
    """The folder all test output goes under."""
    root = Path(str(pytestconfig.getoption("--test-output"))).resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:120]


@pytest.fixture
def output_dir(test_output_root: Path, request: pytest.FixtureRequest) -> Path:
    """A folder for this test's own output (logs, screenshots)."""
    path = test_output_root / _slug(request.node.nodeid)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def mongodb_database(test_output_root: Path) -> Iterator[Database]:
    """The server for the whole session; our own FerretDB is stopped at the end."""
    database = open_database(test_output_root / "session")
    try:
        yield database
    finally:
        database.stop()


@pytest.fixture(scope="session")
def mongodb_uri(mongodb_database: Database) -> str:
    return mongodb_database.uri


@pytest.fixture
def db_prefix(mongodb_uri: str) -> Iterator[str]:
    """A database-name prefix of this test's own; its databases are dropped afterwards."""
    prefix = new_prefix()
    yield prefix
    drop_prefixed(mongodb_uri, prefix)


@pytest.fixture(scope="module")
def subgraph_stack(
    mongodb_uri: str, test_output_root: Path, request: pytest.FixtureRequest
) -> Iterator[dict[str, Service]]:
    """The four subgraphs over HTTP on a fresh database prefix, for one test module."""
    prefix = new_prefix()
    log_dir = test_output_root / _slug(request.path.stem) / "subgraphs"
    services = start_subgraphs(mongodb_uri, prefix, log_dir)
    try:
        yield services
    finally:
        stop_all(services.values())
        drop_prefixed(mongodb_uri, prefix)
