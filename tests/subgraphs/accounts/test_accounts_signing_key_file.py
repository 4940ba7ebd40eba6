"""accounts signs with the key in `SIGNING_KEY_FILE` (a mounted Secret), as a real process.

The token it issues verifies against the JWKS it serves and against the file's own public key
(so the file's key signed it, not one in the database), the database holds no signing key, and a
file that is missing or holds no Ed25519 key stops the process at start with the reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pymongo import MongoClient

from devstack.processes import free_port
from devstack.stack import subgraph_env
from tests.subgraphs.accounts.accounts_support import AccountsService, ok, sign_up

pytestmark = pytest.mark.integration

ME = "{ me { id } }"
AUDIENCE = "accounts-center-graph"
ISSUER = "accounts-center"


def _jwks(service: AccountsService) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{service.url}/.well-known/jwks.json", timeout=10) as answer:
        keys: list[dict[str, Any]] = json.loads(answer.read())["keys"]
    return keys


def _file_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def test_tokens_are_signed_with_the_key_file_and_verify_with_the_jwks(
    accounts_with_key_file: AccountsService, signing_key_pem: Path
) -> None:
    service = accounts_with_key_file
    person = sign_up(service.url)
    (published,) = _jwks(service)
    assert jwt.get_unverified_header(person.token)["kid"] == published["kid"]
    claims = jwt.decode(
        person.token,
        jwt.PyJWK(published).key,
        algorithms=["EdDSA"],
        audience=AUDIENCE,
        issuer=ISSUER,
    )
    assert claims["sub"] == person.person_id
    own_public = _file_key(signing_key_pem).public_key()
    assert (
        jwt.decode(person.token, own_public, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER)
        == claims
    )
    assert ok(service.gql(ME, token=person.token))["me"]["id"] == person.person_id
    client: MongoClient[dict[str, Any]] = MongoClient(service.mongodb_uri)
    try:
        assert client[f"{service.prefix}_accounts"]["signing_keys"].count_documents({}) == 0
    finally:
        client.close()


def _start_fails(mongodb_uri: str, key_file: Path) -> subprocess.CompletedProcess[str]:
    ports = {name: free_port() for name in ("accounts", "whatsapp", "facebook", "instagram")}
    env = subgraph_env("accounts", ports, mongodb_uri, "unused", "token", "EU")
    env["SIGNING_KEY_FILE"] = str(key_file)
    return subprocess.run(
        [sys.executable, "-m", "subgraphs.accounts"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_missing_or_wrong_key_file_stops_accounts_at_start(
    mongodb_uri: str, tmp_path: Path
) -> None:
    missing = _start_fails(mongodb_uri, tmp_path / "absent.pem")
    assert missing.returncode == 2
    assert "SIGNING_KEY_FILE" in missing.stderr
    assert "absent.pem" in missing.stderr
    not_a_key = tmp_path / "not-a-key.pem"
    not_a_key.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    wrong = _start_fails(mongodb_uri, not_a_key)
    assert wrong.returncode == 2
    assert "not-a-key.pem" in wrong.stderr
