"""JWT authentication through the real gateway in front of the real subgraphs.

The gateway verifies against accounts' JWKS with `auth.required` on, and checks issuer and
audience. A refused request must never reach a subgraph: the tests show it with a sign-up sent
with a bad token, whose email then stays free.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devstack.processes import Service
from tests.gateway.security.security_support import (
    AUDIENCE,
    ISSUER,
    SigningKey,
    Stack,
    gql,
    launch_gateway,
    sign_up,
)

pytestmark = pytest.mark.integration

ME = "{ me { id displayName } }"


@pytest.fixture(scope="module")
def open_gateway(security_stack: Stack) -> Iterator[Service]:
    """Authentication configured but optional: how people get their first token."""
    settings = {
        "GATEWAY_AUTH_JWKS_URL": security_stack.jwks_url,
        "GATEWAY_AUTH_ISSUER": ISSUER,
        "GATEWAY_AUTH_AUDIENCE": AUDIENCE,
    }
    service = launch_gateway(security_stack, "auth-optional", settings)
    yield service
    service.stop()


@pytest.fixture(scope="module")
def strict_gateway(security_stack: Stack) -> Iterator[Service]:
    settings = {
        "GATEWAY_AUTH_JWKS_URL": security_stack.jwks_url,
        "GATEWAY_AUTH_REQUIRED": "true",
        "GATEWAY_AUTH_ISSUER": ISSUER,
        "GATEWAY_AUTH_AUDIENCE": AUDIENCE,
    }
    service = launch_gateway(security_stack, "auth-required", settings)
    yield service
    service.stop()


@pytest.fixture(scope="module")
def person(open_gateway: Service) -> tuple[str, str]:
    return sign_up(open_gateway, "Authn Person")


@pytest.fixture(scope="module")
def key(security_stack: Stack, person: tuple[str, str]) -> SigningKey:
    """The real key, minting tokens for `person`'s live session (its `jti`), so that the
    subgraphs accept them too and only the claim a test changes is wrong."""
    jti = jwt.decode(person[0], options={"verify_signature": False})["jti"]
    return SigningKey.load(security_stack, jti=jti)


def assert_refused(gateway: Service, token: str | None, reason: str) -> None:
    reply = gql(gateway, ME, token=token)
    assert reply.status == 401, reply.body
    assert reply.codes == ["UNAUTHENTICATED"]
    assert reason in reply.body["errors"][0]["message"]
    assert "data" not in reply.body
    assert reply.headers["www-authenticate"].startswith("Bearer")


def test_valid_token_reads_me(strict_gateway: Service, person: tuple[str, str]) -> None:
    token, person_id = person
    reply = gql(strict_gateway, ME, token=token)
    assert reply.status == 200, reply.body
    assert reply.body == {"data": {"me": {"id": person_id, "displayName": "Authn Person"}}}


def test_a_minted_token_with_the_real_key_is_accepted(
    strict_gateway: Service, person: tuple[str, str], key: SigningKey
) -> None:
    """The control for the tests below: only the claim each of them changes is wrong."""
    reply = gql(strict_gateway, ME, token=key.token(person[1]))
    assert reply.status == 200, reply.body
    assert reply.body == {"data": {"me": {"id": person[1], "displayName": "Authn Person"}}}


def test_missing_token_is_refused_where_required(strict_gateway: Service) -> None:
    assert_refused(strict_gateway, None, "needs a token")


def test_missing_token_is_fine_where_optional(open_gateway: Service) -> None:
    reply = gql(open_gateway, "{ __typename }")
    assert reply.status == 200
    assert reply.body == {"data": {"__typename": "Query"}}


def test_expired_token(strict_gateway: Service, person: tuple[str, str], key: SigningKey) -> None:
    now = int(time.time())
    expired = key.token(person[1], iat=now - 7200, exp=now - 3600)
    assert_refused(strict_gateway, expired, "expired")


def test_forged_token_with_a_known_kid(
    strict_gateway: Service, person: tuple[str, str], key: SigningKey
) -> None:
    forger = SigningKey(kid=key.kid, private=Ed25519PrivateKey.generate())
    assert_refused(strict_gateway, forger.token(person[1]), "not valid")


def test_token_signed_by_an_unknown_key(strict_gateway: Service, person: tuple[str, str]) -> None:
    stranger = SigningKey(kid="not-a-kid", private=Ed25519PrivateKey.generate())
    assert_refused(strict_gateway, stranger.token(person[1]), "known key")


def test_wrong_audience(strict_gateway: Service, person: tuple[str, str], key: SigningKey) -> None:
    assert_refused(strict_gateway, key.token(person[1], aud="another-graph"), "audience")


def test_wrong_issuer(strict_gateway: Service, person: tuple[str, str], key: SigningKey) -> None:
    assert_refused(strict_gateway, key.token(person[1], iss="someone-else"), "issuer")


def test_garbage_and_non_bearer_tokens(strict_gateway: Service) -> None:
    assert_refused(strict_gateway, "not-a-jwt", "well-formed")
    reply = gql(strict_gateway, ME, headers={"authorization": "Basic dXNlcjpwYXNz"})
    assert reply.status == 401
    assert reply.codes == ["UNAUTHENTICATED"]


def test_bad_token_is_refused_even_where_optional(
    open_gateway: Service, person: tuple[str, str], key: SigningKey
) -> None:
    """An optional token may be absent, never wrong."""
    assert_refused(open_gateway, key.token(person[1], aud="another-graph"), "audience")


def test_refused_request_never_reaches_a_subgraph(
    open_gateway: Service, person: tuple[str, str], key: SigningKey
) -> None:
    now = int(time.time())
    expired = key.token(person[1], iat=now - 7200, exp=now - 3600)
    variables = {
        "input": {
            "email": f"never-{uuid.uuid4().hex[:8]}@example.com",
            "password": "security-test-password-1",
            "displayName": "Never",
            "region": "EU",
        }
    }
    mutation = "mutation S($input: SignUpInput!) { signUp(input: $input) { token } }"
    refused = gql(open_gateway, mutation, variables, token=expired)
    assert refused.status == 401
    first = gql(open_gateway, mutation, variables)
    assert first.status == 200
    assert "errors" not in first.body, first.body


def test_revoked_token_is_refused(open_gateway: Service, strict_gateway: Service) -> None:
    token, person_id = sign_up(open_gateway, "Revoked Person")
    assert gql(strict_gateway, ME, token=token).body["data"]["me"]["id"] == person_id
    signed_out = gql(strict_gateway, "mutation { signOut }", token=token)
    assert signed_out.body == {"data": {"signOut": True}}, signed_out.body
    after = gql(strict_gateway, ME, token=token)
    assert after.body["data"] == {"me": None}, after.body
    assert "UNAUTHENTICATED" in after.codes
    statuses = "{ me { whatsapp { phoneNumber } facebook { name } instagram { username } } }"
    assert gql(strict_gateway, statuses, token=token).body["data"] == {"me": None}
