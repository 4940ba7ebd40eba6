"""Pushed revocations through real processes: four subgraphs, a real redis-server, FerretDB.

With `REDIS_URL` set, a subgraph answers token checks from memory (accounts' database sees no
session lookups), sign-out still holds at once everywhere, a lost feed falls back to asking
accounts, sign-out refuses to half-succeed while Redis is down, and a subscriber that stops
answering makes sign-out wait out its trust window instead of returning early.
"""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest

from devstack.database import drop_prefixed, new_prefix
from devstack.graphql_client import GraphQLResponse, post_graphql
from devstack.processes import Service
from devstack.redis_server import RedisServer
from devstack.stack import start_subgraphs, stop_all
from subgraphs.common.revocations import TRUST_SECONDS

pytestmark = pytest.mark.integration

SIGN_UP = """
mutation($input: SignUpInput!) { signUp(input: $input) { token } }
"""
PROOF = 'mutation { createWhatsAppLinkProof(accountId: "000000000000000000000000") { code } }'
LIVE_WAIT_SECONDS = 15.0


@dataclass(frozen=True, slots=True)
class World:
    services: dict[str, Service]
    redis: RedisServer
    internal_token: str
    prefix: str

    def gql(self, name: str, query: str, token: str | None = None, **variables: Any) -> Any:
        return post_graphql(f"{self.services[name].url}/graphql", query, variables, token=token)

    def session_lookups(self) -> int:
        """`find` commands accounts sent to its own database (introspection reads sessions)."""
        request = Request(
            f"{self.services['accounts'].url}/internal/debug/commands",
            headers={"X-Internal-Token": self.internal_token},
        )
        with urlopen(request, timeout=10) as response:
            body = json.loads(response.read())
        counts: dict[str, int] = body["commands"].get(f"{self.prefix}_accounts", {})
        return counts.get("find", 0)


@pytest.fixture(scope="module")
def world(mongodb_uri: str, test_output_root: Path) -> Iterator[World]:
    log_dir = test_output_root / "common_revocations"
    server = RedisServer(log_dir / "redis.log").start()
    prefix = new_prefix()
    token = uuid.uuid4().hex
    try:
        services = start_subgraphs(
            mongodb_uri,
            prefix,
            log_dir,
            internal_token=token,
            redis_url=server.url,
        )
        try:
            yield World(services, server, token, prefix)
        finally:
            stop_all(services.values())
    finally:
        server.stop()
        drop_prefixed(mongodb_uri, prefix)


def sign_up(world: World) -> str:
    variables = {
        "email": f"p{uuid.uuid4().hex[:12]}@example.com",
        "password": "correct horse battery",
        "displayName": "Pushed Person",
        "region": "EU",
    }
    response = world.gql("accounts", SIGN_UP, input=variables)
    assert not response.errors, response.errors
    token: str = response.body["data"]["signUp"]["token"]
    return token


def codes(response: GraphQLResponse) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in response.errors]


def accepted(world: World, token: str) -> bool:
    """Whether whatsapp took the token: it checks the caller, then finds no such account."""
    response = world.gql("whatsapp", PROOF, token=token)
    assert codes(response) in (["NOT_FOUND"], ["UNAUTHENTICATED"]), response.body
    return codes(response) == ["NOT_FOUND"]


def wait_until_pushed(world: World, token: str) -> None:
    """Until token checks stop reaching accounts' database (the feed is live again)."""
    deadline = time.monotonic() + LIVE_WAIT_SECONDS
    while time.monotonic() < deadline:
        before = world.session_lookups()
        for _ in range(3):
            assert accepted(world, token)
        if world.session_lookups() == before:
            return
        time.sleep(0.2)
    raise AssertionError("the revocation feed did not become live")


def test_token_checks_are_answered_from_memory_and_sign_out_holds_at_once(world: World) -> None:
    token = sign_up(world)
    wait_until_pushed(world, token)
    before = world.session_lookups()
    for _ in range(20):
        assert accepted(world, token)
    assert world.session_lookups() == before

    started = time.monotonic()
    response = world.gql("accounts", "mutation { signOut }", token=token)
    assert response.body.get("data") == {"signOut": True}, response.body
    assert time.monotonic() - started < TRUST_SECONDS  # every subscriber acknowledged
    assert not accepted(world, token)
    assert codes(world.gql("accounts", "{ me { id } }", token=token)) == ["UNAUTHENTICATED"]


def test_without_redis_checks_fall_back_to_accounts_and_sign_out_refuses(world: World) -> None:
    keep, leave = sign_up(world), sign_up(world)
    wait_until_pushed(world, keep)
    world.redis.stop()
    try:
        time.sleep(TRUST_SECONDS + 0.5)  # the subscribers' trust runs out
        before = world.session_lookups()
        assert accepted(world, keep)
        assert world.session_lookups() > before  # asked accounts instead

        refused = world.gql("accounts", "mutation { signOut }", token=leave)
        assert codes(refused) == ["SERVICE_UNAVAILABLE"]
        assert accepted(world, leave)  # nothing changed anywhere: the client may retry
    finally:
        world.redis.start()
    wait_until_pushed(world, keep)
    assert world.gql("accounts", "mutation { signOut }", token=leave).body["data"]["signOut"]
    assert not accepted(world, leave)
    assert accepted(world, keep)


def test_sign_out_waits_for_a_subscriber_that_stopped_answering(world: World) -> None:
    token = sign_up(world)
    wait_until_pushed(world, token)
    pid = world.services["facebook"].pid
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        response = world.gql("accounts", "mutation { signOut }", token=token)
        elapsed = time.monotonic() - started
    finally:
        os.kill(pid, signal.SIGCONT)
    assert response.body.get("data") == {"signOut": True}, response.body
    assert elapsed >= TRUST_SECONDS * 0.9  # facebook could not acknowledge: its trust ran out
    assert not accepted(world, token)
