"""Sign-in tokens: one Ed25519 key every replica shares, JWT issuing, JWKS, revocation.

The private key comes from one of two places, so every replica signs with the same key and any
replica's token verifies anywhere:

- `SIGNING_KEY_FILE`: a PEM file (PKCS#8, as `openssl genpkey -algorithm ed25519` writes it),
  e.g. a Kubernetes Secret mounted into every accounts pod (the Helm chart does). The key then
  never touches the database, and its `kid` is its RFC 7638 thumbprint, so replicas agree on
  it without talking to each other. Rotating it: replace the file; a replica reads it again
  when asked for a `kid` it does not know (at most every RELOAD_SECONDS) or when it restarts.
- otherwise (development, `make run`) the accounts database (`signing_keys`, one document
  created with an atomic upsert by the first replica to start).

Each issued token has a `jti` recorded in `sessions`; sign-out marks it revoked, and
introspection says a token is active only while its session exists, is unrevoked and unexpired,
so a token this service never issued is never active. Accounts verifies its own callers with
these same checks in-process (no HTTP call to itself); the other subgraphs use JWKS and the
introspection route through `subgraphs.common.auth`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from subgraphs.accounts.records import SessionRecord
from subgraphs.accounts.repository import AccountsRepository
from subgraphs.common.scopes import SESSION_SCOPE
from subgraphs.common.settings import Settings, SettingsError

__all__ = [
    "DEFAULT_SCOPES",
    "TOKEN_TTL",
    "IssuedToken",
    "KeyStore",
    "LocalRevocationCheck",
    "SigningKey",
    "issue_token",
    "new_signing_key_document",
    "read_key_file",
    "session_active",
]

TOKEN_TTL = timedelta(hours=1)
DEFAULT_SCOPES: tuple[str, ...] = (
    SESSION_SCOPE,
    "profile:read",
    "profile:write",
    "links:write",
    "status:write",
    "people:read",
)
RELOAD_SECONDS = 5.0


def new_signing_key_document() -> dict[str, Any]:
    """A fresh Ed25519 key as stored in `signing_keys`."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return {
        "kid": uuid.uuid4().hex[:16],
        "privatePem": pem.decode(),
        "createdAt": datetime.now(UTC),
    }


def _private_key(pem: bytes) -> Ed25519PrivateKey:
    private = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise TypeError("the signing key is not an Ed25519 key")
    return private


def _public_members(private: Ed25519PrivateKey) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private.public_key()))
    return jwk


def _thumbprint(public_jwk: Mapping[str, Any]) -> str:
    """RFC 7638: SHA-256 of the key's required members, sorted and without spaces, base64url."""
    members = {name: public_jwk[name] for name in ("crv", "kty", "x")}
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


@dataclass(frozen=True, slots=True, kw_only=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> SigningKey:
        return cls(kid=str(doc["kid"]), private=_private_key(doc["privatePem"].encode()))

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        """The Ed25519 key in `pem`, its `kid` the RFC 7638 thumbprint of its public half."""
        private = _private_key(pem)
        return cls(kid=_thumbprint(_public_members(private)), private=private)

    def public_jwk(self) -> dict[str, Any]:
        return {**_public_members(self.private), "kid": self.kid, "alg": "EdDSA", "use": "sig"}

    def verification_key(self) -> jwt.PyJWK:
        return jwt.PyJWK(self.public_jwk())


def read_key_file(path: Path) -> SigningKey:
    """The key in the PEM file at `path` (a mounted Secret); SettingsError names the file."""
    try:
        return SigningKey.from_pem(path.read_bytes())
    except (OSError, ValueError, TypeError) as error:
        raise SettingsError(f"SIGNING_KEY_FILE {path}: {error}") from error


class KeyStore:
    """The shared signing key, read from `SIGNING_KEY_FILE` or loaded (or created) from the
    database, once per process and again when asked for an unknown `kid`."""

    def __init__(self, repository: AccountsRepository, key_file: Path | None = None) -> None:
        self._repository = repository
        self._key_file = key_file
        self._key: SigningKey | None = None
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    async def current(self) -> SigningKey:
        if self._key is None:
            await self._load()
        assert self._key is not None
        return self._key

    async def _load(self) -> None:
        async with self._lock:
            if self._key_file is not None:
                self._key = await asyncio.to_thread(read_key_file, self._key_file)
            else:
                doc = await self._repository.signing_key(new_signing_key_document)
                self._key = SigningKey.from_document(doc)
            self._loaded_at = time.monotonic()

    async def key(self, kid: str) -> jwt.PyJWK | None:
        """The verification key for `kid` (re-read at most every RELOAD_SECONDS when unknown)."""
        current = await self.current()
        if current.kid != kid and time.monotonic() - self._loaded_at >= RELOAD_SECONDS:
            await self._load()
            current = await self.current()
        return current.verification_key() if current.kid == kid else None

    async def jwks(self) -> dict[str, Any]:
        return {"keys": [(await self.current()).public_jwk()]}


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedToken:
    token: str
    token_id: str
    expires_at: datetime


async def issue_token(
    keys: KeyStore,
    repository: AccountsRepository,
    settings: Settings,
    person_id: str,
    scopes: tuple[str, ...] = DEFAULT_SCOPES,
    client_id: str | None = None,
) -> IssuedToken:
    """Sign a token for `person_id` and record its session (so it can be revoked).

    A partner app's token names the app in `azp` (OpenID Connect's "authorized party", which
    RFC 9068 access tokens use too) and carries only the granted scopes; for the app's own
    token `person_id` is its client id.
    """
    key = await keys.current()
    now = datetime.now(UTC).replace(microsecond=0)
    expires = now + TOKEN_TTL
    token_id = uuid.uuid4().hex
    claims = {
        "sub": person_id,
        "jti": token_id,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "aud": settings.jwt_audience,
        "iss": settings.jwt_issuer,
        "scope": " ".join(scopes),
    }
    if client_id is not None:
        claims["azp"] = client_id
    token = jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid})
    await repository.insert_session(
        SessionRecord(
            token_id=token_id,
            person_id=person_id,
            issued_at=now,
            expires_at=expires,
            client_id=client_id,
        )
    )
    return IssuedToken(token=token, token_id=token_id, expires_at=expires)


async def session_active(repository: AccountsRepository, token_id: str) -> bool:
    """Issued here, not signed out, not expired."""
    session = await repository.session(token_id)
    if session is None or session.revoked_at is not None:
        return False
    return session.expires_at > datetime.now(UTC)


class LocalRevocationCheck:
    """Accounts' own revocation check: the session collection, without an HTTP hop."""

    def __init__(self, repository: AccountsRepository) -> None:
        self._repository = repository

    async def is_active(self, jti: str) -> bool:
        return await session_active(self._repository, jti)
