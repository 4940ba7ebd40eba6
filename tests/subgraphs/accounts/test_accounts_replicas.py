"""Two accounts replicas on one database behave as one service (stateless processes).

The second replica starts against a database the first already initialised (indexes exist, the
signing key exists), signs with the same key, and honours the other's sign-outs at once.
"""

from __future__ import annotations

import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import free_port, start_service
from devstack.stack import subgraph_env
from tests.subgraphs.accounts.accounts_support import AccountsService, codes, ok, sign_up

pytestmark = pytest.mark.integration

ME = "{ me { id } }"


@pytest.fixture(scope="module")
def replica(accounts: AccountsService, test_output_root: Path) -> Iterator[AccountsService]:
    port = free_port()
    ports = {
        "accounts": port,
        "whatsapp": free_port(),
        "facebook": free_port(),
        "instagram": free_port(),
    }
    env = subgraph_env(
        "accounts", ports, accounts.mongodb_uri, accounts.prefix, accounts.internal_token, "EU,US"
    )
    service = start_service(
        "accounts-replica",
        [sys.executable, "-m", "subgraphs.accounts"],
        env,
        f"http://127.0.0.1:{port}/health",
        test_output_root / "accounts_replicas" / "replica.log",
        90.0,
        port=port,
    )
    try:
        yield AccountsService(
            url=service.url,
            internal_token=accounts.internal_token,
            mongodb_uri=accounts.mongodb_uri,
            prefix=accounts.prefix,
            pid=service.pid,
        )
    finally:
        service.stop()


def test_replicas_share_people_keys_and_sign_outs(
    accounts: AccountsService, replica: AccountsService
) -> None:
    person = sign_up(accounts.url)
    assert ok(replica.gql(ME, token=person.token))["me"]["id"] == person.person_id
    ok(replica.gql("mutation { signOut }", token=person.token))
    assert codes(accounts.gql(ME, token=person.token)) == ["UNAUTHENTICATED"]


def test_replicas_publish_the_same_jwks(
    accounts: AccountsService, replica: AccountsService
) -> None:
    bodies = []
    for service in (accounts, replica):
        with urllib.request.urlopen(f"{service.url}/.well-known/jwks.json", timeout=10) as r:
            bodies.append(r.read())
    assert bodies[0] == bodies[1]
