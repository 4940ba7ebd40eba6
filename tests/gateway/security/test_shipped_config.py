"""The Accounts Center's shipped gateway settings (`schema/gateway.yaml`), started as devstack
and `make run` start them: the README's security promises hold without extra settings.

Tokens are checked at the gateway against accounts' JWKS on the port devstack chose (a bad or
expired token is 401 before any subgraph is asked), while a request without a token still runs,
so people can sign up and sign in.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from security_support import AUDIENCE, ISSUER, SigningKey, Stack, gql, launch_gateway, sign_up

from devstack.processes import Service
from devstack.stack import ROOT
from gateway.config import load_config

pytestmark = pytest.mark.integration

ME = "{ me { id displayName } }"
SIGN_UP = "mutation ($input: SignUpInput!) { signUp(input: $input) { token } }"


@pytest.fixture(scope="module")
def shipped(security_stack: Stack) -> Iterator[Service]:
    """Only what devstack gives every gateway: subgraph URLs and accounts' JWKS URL."""
    service = launch_gateway(security_stack, "shipped", {})
    yield service
    service.stop()


def test_the_file_alone_verifies_against_accounts_on_its_usual_port() -> None:
    config = load_config(ROOT / "schema" / "gateway.yaml", environ={})
    assert config.auth.jwks_url == "http://127.0.0.1:4001/.well-known/jwks.json"
    assert (config.auth.issuer, config.auth.audience) == (ISSUER, AUDIENCE)
    assert not config.auth.required  # sign-up and sign-in need no token


def assert_refused_at_the_gateway(gateway: Service, token: str) -> None:
    reply = gql(gateway, ME, token=token)
    assert reply.status == 401, reply.body
    assert reply.codes == ["UNAUTHENTICATED"]
    assert "data" not in reply.body  # refused before planning: no subgraph was asked
    assert reply.headers["www-authenticate"].startswith("Bearer")


def test_a_real_token_and_no_token_are_served(shipped: Service) -> None:
    token, person_id = sign_up(shipped, "Shipped Person")  # anonymous: sign-up needs no token
    reply = gql(shipped, ME, token=token)
    assert reply.status == 200, reply.body
    assert reply.body == {"data": {"me": {"id": person_id, "displayName": "Shipped Person"}}}
    anonymous = gql(shipped, "{ __typename }")
    assert (anonymous.status, anonymous.body) == (200, {"data": {"__typename": "Query"}})


def test_forged_and_expired_tokens_are_401(security_stack: Stack, shipped: Service) -> None:
    token, person_id = sign_up(shipped, "Shipped Target")
    header = jwt.get_unverified_header(token)
    forged = jwt.encode(
        {**jwt.decode(token, options={"verify_signature": False})},
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": header["kid"]},
    )
    assert_refused_at_the_gateway(shipped, forged)
    expired = SigningKey.load(security_stack).token(person_id, exp=int(time.time()) - 60)
    assert_refused_at_the_gateway(shipped, expired)
    elsewhere = SigningKey.load(security_stack).token(person_id, aud="another-graph")
    assert_refused_at_the_gateway(shipped, elsewhere)  # the file's audience is checked
    assert_refused_at_the_gateway(shipped, "not-a-jwt")


def test_a_refused_token_never_reaches_accounts(shipped: Service) -> None:
    """A sign-up sent with a bad token is not run: its email stays free."""
    email = f"refused-{uuid.uuid4().hex[:8]}@example.com"
    variables = {
        "input": {
            "email": email,
            "password": "security-test-password-1",
            "displayName": "Refused",
            "region": "EU",
        }
    }
    refused = gql(shipped, SIGN_UP, variables, token="not-a-jwt")
    assert refused.status == 401
    accepted = gql(shipped, SIGN_UP, variables)
    assert accepted.status == 200, accepted.body
    assert accepted.body["data"]["signUp"]["token"]
