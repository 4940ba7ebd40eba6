"""The Accounts Center's shipped gateway settings (`schema/gateway.yaml`), started as devstack
and `make run` start them: the README's security promises hold without extra settings.

Tokens are checked at the gateway against accounts' JWKS on the port devstack chose (a bad or
expired token is 401 before any subgraph is asked), while a request without a token still runs,
so people can sign up and sign in. Sign-in and sign-up are limited per client address at the
gateway, and the gateway hands accounts the client's address for its own throttle, which a
client cannot choose. Clients are told apart by `X-Forwarded-For`, which a gateway trusts from
loopback (uvicorn's `FORWARDED_ALLOW_IPS`) as it would from a load balancer.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devstack.processes import Service
from devstack.redis_server import RedisServer
from devstack.stack import ROOT
from gateway.config import load_config
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
SIGN_UP = "mutation ($input: SignUpInput!) { signUp(input: $input) { token } }"
SIGN_IN = "mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }"
PASSWORD = "security-test-password-1"


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


@pytest.fixture(scope="module")
def shipped_for_limits(security_stack: Stack) -> Iterator[Service]:
    service = launch_gateway(security_stack, "shipped-limits", {})
    yield service
    service.stop()


@pytest.fixture(scope="module")
def distrustful(security_stack: Stack) -> Iterator[Service]:
    """The shipped settings behind a load balancer that is not us: a client's own
    `X-Forwarded-For` is not believed, so it cannot choose its identity."""
    service = launch_gateway(security_stack, "distrustful", {"FORWARDED_ALLOW_IPS": "192.0.2.254"})
    yield service
    service.stop()


def aliased_sign_ups(count: int) -> str:
    """`count` sign-ups in one request, each refused by accounts' input check (cheap)."""
    fields = " ".join(
        f'a{n}: signUp(input: {{email: "bad", password: "x", displayName: "x", region: "EU"}})'
        " { token }"
        for n in range(count)
    )
    return f"mutation {{ {fields} }}"


def test_the_gateway_limits_sign_in_and_sign_up_per_client(shipped_for_limits: Service) -> None:
    address = {"x-forwarded-for": "198.51.100.20"}
    for count in (20, 10):  # thirty selections in a minute are allowed (aliases count each)
        reply = gql(shipped_for_limits, aliased_sign_ups(count), headers=address)
        assert reply.status == 200, reply.body
        assert set(reply.codes) == {"BAD_USER_INPUT"}  # ran: accounts checked the input
    refused = gql(shipped_for_limits, aliased_sign_ups(1), headers=address)
    assert refused.status == 429, refused.body
    assert refused.codes == ["RATE_LIMITED"]
    wait = refused.body["errors"][0]["extensions"]["retryAfter"]
    assert 1 <= wait <= 61
    assert refused.headers["retry-after"] == str(wait)
    signed_in = gql(shipped_for_limits, SIGN_IN, {"e": "x@example.com", "p": "x"}, headers=address)
    assert signed_in.codes == ["RATE_LIMITED"]  # sign-in shares the budget
    other = gql(
        shipped_for_limits, aliased_sign_ups(1), headers={"x-forwarded-for": "198.51.100.21"}
    )
    assert other.codes == ["BAD_USER_INPUT"]  # another client is not affected
    assert gql(shipped_for_limits, "{ __typename }", headers=address).status == 200


@pytest.fixture(scope="module")
def shipped_replicas(security_stack: Stack) -> Iterator[tuple[Service, Service]]:
    """Two gateways with the shipped settings and one real redis-server, as replicas run."""
    redis = RedisServer(security_stack.log_dir / "shipped-redis.log").start()
    started: list[Service] = []
    try:
        for name in ("shipped-replica-1", "shipped-replica-2"):
            gateway = launch_gateway(security_stack, name, {"GATEWAY_REDIS_URL": redis.url})
            started.append(gateway)
        yield started[0], started[1]
    finally:
        for gateway in started:
            gateway.stop()
        redis.stop()


def test_gateway_replicas_share_the_sign_in_limit(
    shipped_replicas: tuple[Service, Service],
) -> None:
    first, second = shipped_replicas
    address = {"x-forwarded-for": "198.51.100.30"}
    assert gql(first, aliased_sign_ups(20), headers=address).status == 200
    assert gql(second, aliased_sign_ups(10), headers=address).status == 200
    # alone, each replica would still allow ten or twenty more
    assert gql(first, aliased_sign_ups(1), headers=address).codes == ["RATE_LIMITED"]
    assert gql(second, aliased_sign_ups(1), headers=address).codes == ["RATE_LIMITED"]


def guess(gateway: Service, email: str, password: str, address: str) -> tuple[int, str | None]:
    reply = gql(gateway, SIGN_IN, {"e": email, "p": password}, headers={"x-forwarded-for": address})
    return reply.status, (reply.codes or [None])[0]


def test_accounts_throttles_per_client_behind_the_gateway(shipped: Service) -> None:
    """accounts sees each client's address (not the gateway's), so the owner on another
    client is not locked out by an attacker; the throttle's 429 comes through the gateway."""
    token, _ = sign_up(shipped, "Throttled Owner")
    email = jwt_email(shipped, token)
    attacker = [guess(shipped, email, f"guess-{n}", "203.0.113.30") for n in range(7)]
    assert attacker == [(200, "UNAUTHENTICATED")] * 6 + [(429, "RATE_LIMITED")]
    reply = gql(
        shipped, SIGN_IN, {"e": email, "p": PASSWORD}, headers={"x-forwarded-for": "203.0.113.30"}
    )
    assert reply.status == 429
    assert reply.body["errors"][0]["extensions"]["retryAfter"] >= 1
    assert int(reply.headers["retry-after"]) >= 1
    assert guess(shipped, email, PASSWORD, "192.0.2.90") == (200, None)  # the owner elsewhere


def test_a_client_cannot_choose_its_identity(distrustful: Service) -> None:
    token, _ = sign_up(distrustful, "Spoof Target")
    email = jwt_email(distrustful, token)
    for n in range(7):  # each guess claims a new address; the gateway sends its peer's instead
        status, code = guess(distrustful, email, f"guess-{n}", f"203.0.113.{40 + n}")
    assert (status, code) == (429, "RATE_LIMITED")
    assert guess(distrustful, email, PASSWORD, "192.0.2.91") == (429, "RATE_LIMITED")


def jwt_email(gateway: Service, token: str) -> str:
    reply = gql(gateway, "{ me { email } }", token=token)
    assert reply.status == 200, reply.body
    email = reply.body["data"]["me"]["email"]
    assert isinstance(email, str)
    return email
