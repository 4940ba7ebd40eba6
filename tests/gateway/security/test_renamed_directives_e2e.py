"""Renamed imports through the real gateway and the real subgraphs (issue 19, item 3).

The guarded supergraph of `test_authorization.py`, with `join` linked `as: "j"` and
`@authenticated`, `@requiresScopes` and `@policy` imported as `@auth`, `@scopes` and `@rule`,
is served by a second gateway process. Every caller gets the same answer, byte for byte, from
both: the same fields removed at the same paths, the same data from the subgraphs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devstack.processes import Service, free_port
from devstack.stack import gateway_env, start_gateway
from tests.gateway.security.security_support import AUDIENCE, ISSUER, Reply, Stack, gql
from tests.gateway.security.test_authorization import (
    gateway,
    guarded_supergraph,
    owner,
    query_all,
)
from tests.gateway.security.test_renamed_directives import renamed_sdl

pytestmark = pytest.mark.integration
__all__ = ["gateway", "owner"]  # the plain gateway and its person, shared with this module


@pytest.fixture(scope="module")
def renamed(security_stack: Stack) -> Iterator[Service]:
    sdl = renamed_sdl(guarded_supergraph(security_stack.log_dir).read_text())
    assert "@rule(policies:" in sdl
    assert "@scopes(scopes:" in sdl
    assert "join__" not in sdl
    path = security_stack.log_dir / "supergraph-guarded-renamed.graphql"
    path.write_text(sdl)
    env = {
        **gateway_env(security_stack.services),
        "GATEWAY_LOG_LEVEL": "warning",
        "GATEWAY_AUTH_JWKS_URL": security_stack.jwks_url,
        "GATEWAY_AUTH_ISSUER": ISSUER,
        "GATEWAY_AUTH_AUDIENCE": AUDIENCE,
        "GATEWAY_AUTHORIZATION_POLICY_HOOK": "tests.gateway.security.policy_hook:decide",
    }
    log = security_stack.log_dir / "gateway-renamed.log"
    service = start_gateway(path, free_port(), env, log)
    yield service
    service.stop()


def callers(owner: dict[str, Any]) -> dict[str, str | None]:
    key = owner["key"]
    return {
        "anonymous": None,
        "signed in": owner["token"],
        "with status:read": key.token(owner["id"], scope="session profile:read status:read"),
        "partner-like, no session": key.token(owner["id"], scope="statuses:read"),
        "policy reader": key.token(owner["id"], roles=["reader"]),
    }


def queries(owner: dict[str, Any]) -> list[str]:
    return [
        query_all(owner),
        f'{{ instagramStory(id: "{owner["insta"]}") {{ id caption }} }}',
        f'{{ me {{ id email }} person(id: "{owner["id"]}") {{ displayName }} }}',
    ]


def answer(reply: Reply) -> tuple[int, dict[str, Any]]:
    """Status and body, errors in path order (fetches to two subgraphs finish in any order)."""
    body = dict(reply.body)
    if "errors" in body:
        body["errors"] = sorted(body["errors"], key=lambda e: repr(e.get("path")))
    return reply.status, body


def test_renamed_directives_guard_exactly_like_the_plain_ones(
    gateway: Service, renamed: Service, owner: dict[str, Any]
) -> None:
    removed = 0
    for who, token in callers(owner).items():
        for query in queries(owner):
            plain = gql(gateway, query, token=token)
            other = gql(renamed, query, token=token)
            assert answer(other) == answer(plain), (who, query)
            codes = [e["extensions"]["code"] for e in plain.body.get("errors", [])]
            removed += codes.count("UNAUTHORIZED_FIELD_OR_TYPE")
    assert removed >= 8  # the callers really were refused fields, not all let through
