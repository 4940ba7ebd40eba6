"""The security tests' stack: the four real subgraphs on a database prefix of their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.database import drop_prefixed, new_prefix
from devstack.stack import start_subgraphs, stop_all
from tests.gateway.security.security_support import Stack


@pytest.fixture(scope="session")
def security_stack(mongodb_uri: str, test_output_root: Path) -> Iterator[Stack]:
    prefix = new_prefix()
    log_dir = test_output_root / "security"
    log_dir.mkdir(parents=True, exist_ok=True)
    services = start_subgraphs(mongodb_uri, prefix, log_dir / "subgraphs")
    try:
        yield Stack(services=services, mongodb_uri=mongodb_uri, db_prefix=prefix, log_dir=log_dir)
    finally:
        stop_all(services.values())
        drop_prefixed(mongodb_uri, prefix)
