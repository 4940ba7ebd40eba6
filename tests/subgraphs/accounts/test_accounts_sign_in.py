"""Single sign-on over HTTP: sign-up, sign-in, sign-out, JWKS, refused tokens, introspection."""

from __future__ import annotations

import time
import urllib.request
from typing import Any

import jwt
import orjson
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.subgraphs.accounts.accounts_support import SIGN_UP, AccountsService, codes, ok, sign_up

pytestmark = pytest.mark.integration

ME = "{ me { id displayName email } }"
SIGN_IN = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }"


def _jwks(accounts: AccountsService) -> dict[str, Any]:
    with urllib.request.urlopen(f"{accounts.url}/.well-known/jwks.json", timeout=10) as response:
        body: dict[str, Any] = orjson.loads(response.read())
    return body


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "jti": "0" * 32,
        "iat": now,
        "exp": now + 600,
        "aud": "accounts-center-graph",
        "iss": "accounts-center",
        "scope": "profile:read",
        **overrides,
    }


def test_sign_up_then_me(accounts: AccountsService) -> None:
    person = sign_up(accounts.url, display_name="Ada")
    me = ok(accounts.gql(ME, token=person.token))["me"]
    assert me == {"id": person.person_id, "displayName": "Ada", "email": person.email}


def test_sign_in_gives_a_new_working_token(accounts: AccountsService) -> None:
    person = sign_up(accounts.url)
    data = ok(accounts.gql(SIGN_IN, {"e": person.email.upper(), "p": person.password}))
    token = data["signIn"]["token"]
    assert token != person.token
    assert ok(accounts.gql(ME, token=token))["me"]["id"] == person.person_id


@pytest.mark.parametrize("wrong", ["email", "password"])
def test_wrong_credentials_are_unauthenticated(accounts: AccountsService, wrong: str) -> None:
    person = sign_up(accounts.url)
    email = "nobody@example.com" if wrong == "email" else person.email
    password = person.password if wrong == "email" else "not the password"
    response = accounts.gql(SIGN_IN, {"e": email, "p": password})
    assert codes(response) == ["UNAUTHENTICATED"]
    assert response.data is None


def test_sign_out_revokes_only_that_token(accounts: AccountsService) -> None:
    person = sign_up(accounts.url)
    other_device = ok(accounts.gql(SIGN_IN, {"e": person.email, "p": person.password}))
    assert ok(accounts.gql("mutation { signOut }", token=person.token)) == {"signOut": True}
    refused = accounts.gql(ME, token=person.token)
    assert codes(refused) == ["UNAUTHENTICATED"]
    assert refused.data == {"me": None}
    still = ok(accounts.gql(ME, token=other_device["signIn"]["token"]))
    assert still["me"]["id"] == person.person_id


def test_no_token_is_unauthenticated(accounts: AccountsService) -> None:
    assert codes(accounts.gql(ME)) == ["UNAUTHENTICATED"]
    assert codes(accounts.gql(ME, token="garbage")) == ["UNAUTHENTICATED"]


def test_jwks_verifies_an_issued_token(accounts: AccountsService) -> None:
    person = sign_up(accounts.url)
    [key] = _jwks(accounts)["keys"]
    assert key["kty"] == "OKP"
    assert "d" not in key, "the JWKS must never publish the private key"
    claims = jwt.decode(
        person.token,
        jwt.PyJWK(key),
        algorithms=["EdDSA"],
        audience="accounts-center-graph",
        issuer="accounts-center",
    )
    assert claims["sub"] == person.person_id
    assert claims["exp"] > time.time()
    assert "links:write" in claims["scope"].split()


def test_forged_token_is_refused(accounts: AccountsService) -> None:
    person = sign_up(accounts.url)
    kid = _jwks(accounts)["keys"][0]["kid"]
    forged = jwt.encode(
        _claims(sub=person.person_id), Ed25519PrivateKey.generate(), "EdDSA", {"kid": kid}
    )
    response = accounts.gql(ME, token=forged)
    assert codes(response) == ["UNAUTHENTICATED"]
    assert "private" not in str(response.body)


def _real_key(accounts: AccountsService) -> tuple[str, Ed25519PrivateKey]:
    stored = accounts.find_one("signing_keys", {"_id": "primary"})
    assert stored is not None
    private = serialization.load_pem_private_key(stored["privatePem"].encode(), None)
    assert isinstance(private, Ed25519PrivateKey)
    return stored["kid"], private


def test_expired_token_is_refused(accounts: AccountsService) -> None:
    person = sign_up(accounts.url)
    kid, private = _real_key(accounts)
    token_id = jwt.decode(person.token, options={"verify_signature": False})["jti"]
    past = int(time.time()) - 3600
    expired = jwt.encode(
        _claims(sub=person.person_id, jti=token_id, iat=past - 60, exp=past),
        private,
        "EdDSA",
        {"kid": kid},
    )
    fresh = jwt.encode(_claims(sub=person.person_id, jti=token_id), private, "EdDSA", {"kid": kid})
    assert ok(accounts.gql(ME, token=fresh))["me"]["id"] == person.person_id  # control
    response = accounts.gql(ME, token=expired)
    assert codes(response) == ["UNAUTHENTICATED"]
    assert "expired" in response.errors[0]["message"]


def test_wrong_audience_is_refused(accounts: AccountsService) -> None:
    person = sign_up(accounts.url)
    kid, private = _real_key(accounts)
    token_id = jwt.decode(person.token, options={"verify_signature": False})["jti"]
    other = jwt.encode(
        _claims(sub=person.person_id, jti=token_id, aud="another-graph"),
        private,
        "EdDSA",
        {"kid": kid},
    )
    assert codes(accounts.gql(ME, token=other)) == ["UNAUTHENTICATED"]


def test_introspection_follows_sign_out(accounts: AccountsService) -> None:
    person = sign_up(accounts.url)
    jti = jwt.decode(person.token, options={"verify_signature": False})["jti"]
    assert accounts.internal("/internal/tokens/introspect", {"jti": jti}) == (
        200,
        {"active": True},
    )
    ok(accounts.gql("mutation { signOut }", token=person.token))
    assert accounts.internal("/internal/tokens/introspect", {"jti": jti}) == (
        200,
        {"active": False},
    )
    assert accounts.internal("/internal/tokens/introspect", {"jti": "never-issued"}) == (
        200,
        {"active": False},
    )


def test_internal_routes_need_the_internal_token(accounts: AccountsService) -> None:
    status, _ = accounts.internal("/internal/tokens/introspect", {"jti": "x"}, token="wrong")
    assert status == 401
    status, _ = accounts.internal("/internal/crosspost-targets", {"personId": "x"}, token="")
    assert status == 401
    status, body = accounts.internal("/internal/tokens/introspect", {"nope": 1})
    assert status == 400, body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("password", "short"),
        ("displayName", "x" * 81),
        ("displayName", "   "),
        ("region", "Europe!"),
    ],
)
def test_bad_sign_up_input_changes_nothing(
    accounts: AccountsService, field: str, value: str
) -> None:
    before = accounts.counts()
    good = {
        "email": "fine@example.com",
        "password": "long enough",
        "displayName": "Fine",
        "region": "EU",
    }
    response = accounts.gql(SIGN_UP, {"input": {**good, field: value}})
    assert codes(response) == ["BAD_USER_INPUT"]
    assert response.errors[0]["extensions"]["argument"] == field
    assert accounts.counts() == before


def test_email_is_unique(accounts: AccountsService) -> None:
    person = sign_up(accounts.url)
    before = accounts.counts()
    again = {
        "email": person.email.upper(),
        "password": "another password",
        "displayName": "Copy",
        "region": "EU",
    }
    assert codes(accounts.gql(SIGN_UP, {"input": again})) == ["CONFLICT"]
    assert accounts.counts() == before


def test_a_read_only_token_cannot_write(accounts: AccountsService) -> None:
    person = sign_up(accounts.url)
    kid, private = _real_key(accounts)
    token_id = jwt.decode(person.token, options={"verify_signature": False})["jti"]
    read_only = jwt.encode(
        _claims(sub=person.person_id, jti=token_id, scope="profile:read"),
        private,
        "EdDSA",
        {"kid": kid},
    )
    assert ok(accounts.gql(ME, token=read_only))["me"]["id"] == person.person_id
    before = accounts.counts()
    for mutation in (
        "mutation { setLinkingEnabled(enabled: true) { enabled } }",
        'mutation { createSticker(prompt: "hi") { id } }',
        "mutation { setConsent(purpose: ADS, granted: true) { granted } }",
    ):
        response = accounts.gql(mutation, token=read_only)
        assert codes(response) == ["FORBIDDEN"], mutation
        assert response.errors[0]["extensions"]["reason"] == "MISSING_SCOPE"
    assert accounts.counts() == before
    assert ok(accounts.gql("{ me { linking { enabled } } }", token=person.token)) == {
        "me": {"linking": {"enabled": False}}
    }
