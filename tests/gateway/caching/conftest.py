"""The subgraphs process and the supergraph file, shared by the module's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import Service
from tests.gateway.caching.cache_support import start_subgraphs, supergraph


@pytest.fixture(scope="module")
def subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = start_subgraphs(tmp_path_factory.mktemp("cache-logs"))
    yield service
    service.stop()


@pytest.fixture(scope="module")
def supergraph_file(subgraphs: Service, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cache-supergraph") / "supergraph.graphql"
    path.write_text(supergraph(subgraphs), "utf-8")
    return path
