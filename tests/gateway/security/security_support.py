"""Helpers for the security tests: one stack of real subgraphs, gateways with chosen settings,
HTTP calls that never raise on 4xx, and tokens signed with the accounts subgraph's own key.

The signing key is read from the accounts database (where accounts keeps it so that every
replica signs alike); with it the tests make expired and wrong-audience tokens that are
otherwise genuine, which is the only way to tell those checks apart from signature checks.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pymongo import MongoClient

from devstack.processes import Service, free_port
from devstack.stack import ROOT, gateway_env, start_gateway

__all__ = [
    "AUDIENCE",
    "ISSUER",
    "SUPERGRAPH",
    "Reply",
    "SigningKey",
    "Stack",
    "call",
    "gql",
    "launch_gateway",
    "sign_up",
]

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
ISSUER = "accounts-center"
AUDIENCE = "accounts-center-graph"
JSON = "application/json"


@dataclass(frozen=True, slots=True)
class Stack:
    """The four subgraphs of one test package, and the database they use."""

    services: dict[str, Service]
    mongodb_uri: str
    db_prefix: str
    log_dir: Path

    @property
    def jwks_url(self) -> str:
        return f"{self.services['accounts'].url}/.well-known/jwks.json"


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def codes(self) -> list[str | None]:
        return [e.get("extensions", {}).get("code") for e in self.body.get("errors", [])]


def launch_gateway(stack: Stack, name: str, settings: dict[str, str]) -> Service:
    """A real `python -m gateway serve` in front of the stack, with `GATEWAY_*` `settings`."""
    env = {**gateway_env(stack.services), "GATEWAY_LOG_LEVEL": "warning", **settings}
    port = free_port()
    return start_gateway(SUPERGRAPH, port, env, stack.log_dir / f"gateway-{name}.log")


def call(
    url: str,
    method: str = "POST",
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw, status, got = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        raw, status, got = error.read(), error.code, dict(error.headers)
    lowered = {k.lower(): v for k, v in got.items()}
    return Reply(status=status, headers=lowered, body=json.loads(raw) if raw else {})


def gql(
    gateway: Service,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """POST one operation as JSON (so CSRF prevention lets it through)."""
    sent = {"content-type": JSON, "accept": JSON, **(headers or {})}
    if token is not None:
        sent["authorization"] = f"Bearer {token}"
    payload = json.dumps({"query": query, "variables": variables or {}}).encode()
    return call(f"{gateway.url}/graphql", body=payload, headers=sent)


SIGN_UP = """mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { token person { id } }
}"""


def sign_up(gateway: Service, name: str, token: str | None = None) -> tuple[str, str]:
    """A new person (through the graph): (token, person id)."""
    email = f"{name.lower().replace(' ', '-')}-{uuid.uuid4().hex[:8]}@example.com"
    variables = {
        "input": {
            "email": email,
            "password": "security-test-password-1",
            "displayName": name,
            "region": "EU",
        }
    }
    reply = gql(gateway, SIGN_UP, variables, token=token)
    assert reply.status == 200, reply.body
    assert "errors" not in reply.body, reply.body
    payload = reply.body["data"]["signUp"]
    return payload["token"], payload["person"]["id"]


@dataclass(frozen=True, slots=True)
class SigningKey:
    """The accounts subgraph's signing key, to mint tokens with chosen claims."""

    kid: str
    private: Ed25519PrivateKey
    jti: str | None = None

    @classmethod
    def load(cls, stack: Stack, jti: str | None = None) -> SigningKey:
        return cls.from_database(stack.mongodb_uri, stack.db_prefix, jti)

    @classmethod
    def from_database(cls, mongodb_uri: str, db_prefix: str, jti: str | None = None) -> SigningKey:
        """The key accounts keeps in its database (`db_prefix`_accounts)."""
        client: MongoClient[dict[str, Any]]
        with MongoClient(mongodb_uri) as client:
            doc = client[f"{db_prefix}_accounts"].signing_keys.find_one()
        assert doc is not None, "accounts has not created its signing key"
        private = serialization.load_pem_private_key(doc["privatePem"].encode(), password=None)
        assert isinstance(private, Ed25519PrivateKey)
        return cls(kid=str(doc["kid"]), private=private, jti=jti)

    def token(self, subject: str, **overrides: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": subject,
            "jti": self.jti or uuid.uuid4().hex,
            "iat": now,
            "exp": now + 600,
            "aud": AUDIENCE,
            "iss": ISSUER,
            "scope": "session profile:read",  # as in a sign-in token (subgraphs/common/scopes.py)
            **overrides,
        }
        return jwt.encode(claims, self.private, algorithm="EdDSA", headers={"kid": self.kid})
