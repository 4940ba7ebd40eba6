"""One real `people` subgraph process for every example plugin's gateway process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gateway.server.server_support import people_supergraph, start_people_subgraph


@pytest.fixture(scope="package")
def work_dir(test_output_root: Path) -> Path:
    path = test_output_root / "examples-plugins"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="package")
def supergraph_file(work_dir: Path) -> Iterator[Path]:
    """The people subgraph's supergraph, the subgraph running as a process until the end."""
    people = start_people_subgraph(work_dir)
    try:
        file = work_dir / "supergraph.graphql"
        file.write_text(people_supergraph(people.url + "/graphql"), encoding="utf-8")
        yield file
    finally:
        people.stop()
