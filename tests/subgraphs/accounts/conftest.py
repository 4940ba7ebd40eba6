"""The accounts subgraph alone, as a real process over HTTP on a fresh database prefix.

Tests that need the platforms too (linking) use the shared `subgraph_stack` fixture instead.
"""

from __future__ import annotations

import re
import secrets
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devstack.database import drop_prefixed, new_prefix
from devstack.processes import free_port, start_service
from devstack.stack import subgraph_env
from tests.subgraphs.accounts.accounts_support import AccountsService
from tests.subgraphs.accounts.partner_world import Stack, run_stack

START_TIMEOUT_SECONDS = 90.0


def _start(
    mongodb_uri: str, log_dir: Path, regions: str, extra_env: Mapping[str, str] | None = None
) -> Iterator[AccountsService]:
    prefix = new_prefix()
    token = secrets.token_urlsafe(24)
    port = free_port()
    ports = {
        "accounts": port,
        "whatsapp": free_port(),
        "facebook": free_port(),
        "instagram": free_port(),
    }
    env = subgraph_env("accounts", ports, mongodb_uri, prefix, token, regions) | dict(
        extra_env or {}
    )
    service = start_service(
        "accounts",
        [sys.executable, "-m", "subgraphs.accounts"],
        env,
        f"http://127.0.0.1:{port}/health",
        log_dir / "accounts.log",
        START_TIMEOUT_SECONDS,
        port=port,
    )
    try:
        yield AccountsService(
            url=service.url,
            internal_token=token,
            mongodb_uri=mongodb_uri,
            prefix=prefix,
            pid=service.pid,
        )
    finally:
        service.stop()
        drop_prefixed(mongodb_uri, prefix)


def _log_dir(root: Path, request: pytest.FixtureRequest) -> Path:
    return root / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.path.stem) / "accounts"


@pytest.fixture(scope="module")
def accounts(
    mongodb_uri: str, test_output_root: Path, request: pytest.FixtureRequest
) -> Iterator[AccountsService]:
    """accounts with linking rolled out in EU and US only (so other regions are refused)."""
    yield from _start(mongodb_uri, _log_dir(test_output_root, request), "EU,US")


@pytest.fixture(scope="module")
def signing_key_pem(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh Ed25519 key as `openssl genpkey -algorithm ed25519` writes it (PKCS#8 PEM), in a
    file as a mounted Kubernetes Secret presents it."""
    private = Ed25519PrivateKey.generate()
    path = tmp_path_factory.mktemp("signing-key") / "signing-key.pem"
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.fixture(scope="module")
def accounts_with_key_file(
    mongodb_uri: str,
    signing_key_pem: Path,
    test_output_root: Path,
    request: pytest.FixtureRequest,
) -> Iterator[AccountsService]:
    """accounts signing with `SIGNING_KEY_FILE` instead of a key in its database."""
    yield from _start(
        mongodb_uri,
        _log_dir(test_output_root, request),
        "EU,US",
        {"SIGNING_KEY_FILE": str(signing_key_pem)},
    )


@pytest.fixture(scope="module")
def partner_stack(
    mongodb_uri: str, test_output_root: Path, request: pytest.FixtureRequest
) -> Iterator[Stack]:
    """The whole graph behind the gateway, with Redis, for the partner-app tests."""
    yield from run_stack(mongodb_uri, _log_dir(test_output_root, request).parent / "stack")
