"""The shared verifier refuses forged, expired, mis-addressed and revoked tokens."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.jwks import JwksUnavailable, keys_from_jwks
from subgraphs.common.auth import (
    RequestAuth,
    TokenVerifier,
    bearer_token,
    require_viewer,
)
from subgraphs.common.errors import AppError

ISSUER, AUDIENCE = "accounts-center", "accounts-center-graph"


class Keys:
    def __init__(self, jwks: dict[str, Any]) -> None:
        self.keys = keys_from_jwks(jwks)

    async def key(self, kid: str) -> jwt.PyJWK | None:
        return self.keys.get(kid)


class Revocations:
    def __init__(self) -> None:
        self.revoked: set[str] = set()
        self.asked: list[str] = []

    async def is_active(self, jti: str) -> bool:
        self.asked.append(jti)
        return jti not in self.revoked


def _jwk(private: Ed25519PrivateKey, kid: str) -> dict[str, Any]:
    public: dict[str, Any] = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private.public_key()))
    return {**public, "kid": kid, "alg": "EdDSA", "use": "sig"}


PRIVATE = Ed25519PrivateKey.generate()
OTHER = Ed25519PrivateKey.generate()


def _token(private: Ed25519PrivateKey = PRIVATE, kid: str = "k1", **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "sub": "p1",
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 600,
        "aud": AUDIENCE,
        "iss": ISSUER,
        "scope": "profile:read links:write",
        **overrides,
    }
    return jwt.encode(claims, private, algorithm="EdDSA", headers={"kid": kid})


@pytest.fixture
def revocations() -> Revocations:
    return Revocations()


@pytest.fixture
def verifier(revocations: Revocations) -> TokenVerifier:
    keys = Keys({"keys": [_jwk(PRIVATE, "k1"), {"kid": "broken", "kty": "nope"}]})
    return TokenVerifier(keys=keys, revocation=revocations, issuer=ISSUER, audience=AUDIENCE)


async def test_a_good_token_gives_its_viewer(verifier: TokenVerifier) -> None:
    viewer = await verifier.verify(_token())
    assert viewer.person_id == "p1"
    assert viewer.has_scope("links:write")
    assert not viewer.has_scope("admin")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: _token(OTHER), "not valid"),
        (lambda: _token(kid="unknown"), "known key"),
        (lambda: _token(exp=int(time.time()) - 10), "expired"),
        (lambda: _token(aud="someone-else"), "not valid"),
        (lambda: _token(iss="evil"), "not valid"),
        (lambda: _token(jti=None), "not valid"),
        (lambda: "not.a.jwt", "malformed"),
        (lambda: _token(azp="app_1", scope="session stories:read"), "not valid"),
        (lambda: _token(azp=7), "not valid"),
    ],
)
async def test_bad_tokens_are_unauthenticated(
    verifier: TokenVerifier, make: Callable[[], str], message: str
) -> None:
    with pytest.raises(AppError, match=message) as caught:
        await verifier.verify(make())
    assert caught.value.extensions["code"] == "UNAUTHENTICATED"


async def test_a_revoked_token_is_refused(
    verifier: TokenVerifier, revocations: Revocations
) -> None:
    token = _token()
    viewer = await verifier.verify(token)
    revocations.revoked.add(viewer.token_id)
    with pytest.raises(AppError, match="revoked"):
        await verifier.verify(token)


def test_bearer_header_parsing() -> None:
    assert bearer_token(None) is None
    assert bearer_token("  ") is None
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    for bad in ("Basic abc", "Bearer", "abc"):
        with pytest.raises(AppError):
            bearer_token(bad)


async def test_request_auth_verifies_once(
    verifier: TokenVerifier, revocations: Revocations
) -> None:
    auth = RequestAuth(verifier, f"Bearer {_token()}")
    first, second = await auth.viewer(), await auth.viewer()
    assert first == second
    assert len(revocations.asked) == 1
    assert await RequestAuth(verifier, None).viewer() is None


class DownKeys:
    """A key source whose JWKS cannot be fetched (accounts down)."""

    async def key(self, kid: str) -> jwt.PyJWK | None:
        raise JwksUnavailable("accounts is down")


async def test_an_unreachable_jwks_is_service_unavailable(revocations: Revocations) -> None:
    verifier = TokenVerifier(
        keys=DownKeys(), revocation=revocations, issuer=ISSUER, audience=AUDIENCE
    )
    with pytest.raises(AppError) as caught:
        await verifier.verify(_token())
    assert caught.value.extensions["code"] == "SERVICE_UNAVAILABLE"  # an outage, not a bad token


class _Context:
    """A request context whose caller is one token (what `require_viewer` reads)."""

    def __init__(self, verifier: TokenVerifier, token: str) -> None:
        self.auth = RequestAuth(verifier, f"Bearer {token}")


async def _scope_verdict(verifier: TokenVerifier, token: str, scope: str | None) -> str:
    try:
        await require_viewer(_Context(verifier, token), scope)
    except AppError as error:
        return f"{error.extensions['code']} {error.extensions.get('reason')}"
    return "ok"


async def test_require_viewer_admits_partners_only_where_a_field_names_their_scope(
    verifier: TokenVerifier,
) -> None:
    session = _token(scope="session profile:read")
    partner = _token(azp="app_1", scope="stories:read")
    app_only = _token(sub="app_1", azp="app_1", scope="stories:read")
    read_only = _token(scope="profile:read")  # no azp, but no session either
    verdicts = {
        (name, scope): await _scope_verdict(verifier, token, scope)
        for name, token in (
            ("session", session),
            ("partner", partner),
            ("app", app_only),
            ("read-only", read_only),
        )
        for scope in (None, "stories:read", "statuses:read")
    }
    refused = "FORBIDDEN MISSING_SCOPE"
    assert verdicts == {
        ("session", None): "ok",
        ("session", "stories:read"): "ok",
        ("session", "statuses:read"): "ok",
        ("partner", None): refused,
        ("partner", "stories:read"): "ok",
        ("partner", "statuses:read"): refused,
        ("app", None): refused,
        ("app", "stories:read"): refused,  # no person behind it, whatever its scope says
        ("app", "statuses:read"): refused,
        ("read-only", None): refused,
        ("read-only", "stories:read"): refused,
        ("read-only", "statuses:read"): refused,
    }
    partner_viewer = await verifier.verify(partner)
    assert partner_viewer.client_id == "app_1"
    assert partner_viewer.acts_for_person
    assert not partner_viewer.is_session
