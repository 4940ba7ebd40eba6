"""The one token verifier every subgraph uses, so single sign-on means the same thing everywhere.

accounts signs JWTs with a key kept in its database and publishes the public keys at
`{ACCOUNTS_URL}/.well-known/jwks.json`. A verifier checks, in order: the key id is known (the
JWKS is cached by `gateway.jwks.JwksCache`, the same cache the gateway verifies with: fetched
again when an unknown `kid` appears, at most once per 5 s, so forged kids cannot flood
accounts), the signature, `exp`, `aud` and `iss`, and finally that the
token was not revoked, by asking accounts `POST /internal/tokens/introspect {"jti"}`. Revocation
is checked on every request because sign-out must take effect at once on every replica. A bad
token is UNAUTHENTICATED; if accounts cannot be reached the token is not accepted either (fail
closed), but the answer is SERVICE_UNAVAILABLE, so clients retry instead of signing out.

Two kinds of token verify here. A sign-in token carries the `session` scope: the person
themself, with full access. A partner app's token (issued by accounts' OAuth endpoints) names
the app in `azp` and carries only the scopes the person granted (`stories:read`, ...), or none
when the app acts for itself (`sub` is then the app's client id). `require_viewer` accepts only
sign-in tokens unless the caller names the one scope that also admits a partner, so every
resolver that does not opt in stays closed to partners (fail closed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
import jwt

from gateway.jwks import JwksUnavailable
from subgraphs.common.errors import missing_scope, unauthenticated, unavailable
from subgraphs.common.scopes import SESSION_SCOPE

__all__ = [
    "ALGORITHMS",
    "HasAuth",
    "IntrospectionRevocationCheck",
    "KeySource",
    "RequestAuth",
    "RevocationCheck",
    "TokenVerifier",
    "Viewer",
    "bearer_token",
    "optional_viewer",
    "require_person",
    "require_viewer",
]

ALGORITHMS: tuple[str, ...] = ("EdDSA", "RS256")
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=5)
CANNOT_CHECK = "Cannot check the token now; try again shortly."


@dataclass(frozen=True, slots=True, kw_only=True)
class Viewer:
    """The authenticated caller, from a verified, unrevoked token."""

    person_id: str
    token_id: str
    scopes: frozenset[str]
    issued_at: int
    expires_at: int
    client_id: str | None = None
    """The partner app the token was issued to (`azp`); None for a sign-in token."""

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_session(self) -> bool:
        """A sign-in token: the person themself, with every right."""
        return SESSION_SCOPE in self.scopes

    @property
    def acts_for_person(self) -> bool:
        """False for an app's own token (client credentials): there is no person behind it."""
        return self.client_id is None or self.person_id != self.client_id


class KeySource(Protocol):
    """Where verification keys come from (JWKS over HTTP, or accounts' own key store)."""

    async def key(self, kid: str) -> jwt.PyJWK | None: ...


class RevocationCheck(Protocol):
    """Whether a token id is still active (not signed out)."""

    async def is_active(self, jti: str) -> bool: ...


class IntrospectionRevocationCheck:
    """Asks accounts whether a `jti` is still active."""

    def __init__(self, session: aiohttp.ClientSession, url: str, internal_token: str) -> None:
        self._session = session
        self._url = url
        self._headers = {"X-Internal-Token": internal_token}

    async def is_active(self, jti: str) -> bool:
        try:
            async with self._session.post(
                self._url, json={"jti": jti}, headers=self._headers, timeout=HTTP_TIMEOUT
            ) as response:
                response.raise_for_status()
                body = await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise unavailable(CANNOT_CHECK) from exc
        return isinstance(body, dict) and body.get("active") is True


class TokenVerifier:
    """Verifies a compact JWT and returns its `Viewer`, or raises UNAUTHENTICATED."""

    def __init__(
        self, *, keys: KeySource, revocation: RevocationCheck, issuer: str, audience: str
    ) -> None:
        self._keys = keys
        self._revocation = revocation
        self._issuer = issuer
        self._audience = audience

    async def verify(self, token: str) -> Viewer:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise unauthenticated("The token is malformed.") from exc
        kid = header.get("kid")
        try:
            key = await self._keys.key(kid) if isinstance(kid, str) else None
        except JwksUnavailable as exc:
            raise unavailable(CANNOT_CHECK) from exc
        if key is None:
            raise unauthenticated("The token was not signed by a known key.")
        claims = self._decode(token, key)
        viewer = _viewer(claims)
        if not await self._revocation.is_active(viewer.token_id):
            raise unauthenticated("The token was revoked.")
        return viewer

    def _decode(self, token: str, key: jwt.PyJWK) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=list(ALGORITHMS),
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "jti", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise unauthenticated("The token has expired.") from exc
        except jwt.PyJWTError as exc:
            raise unauthenticated("The token is not valid.") from exc
        return claims


def _viewer(claims: Mapping[str, Any]) -> Viewer:
    scope = claims.get("scope", "")
    sub, jti, azp = claims.get("sub"), claims.get("jti"), claims.get("azp")
    if not isinstance(sub, str) or not isinstance(jti, str) or not isinstance(scope, str):
        raise unauthenticated("The token is not valid.")
    if azp is not None and not isinstance(azp, str):
        raise unauthenticated("The token is not valid.")
    scopes = frozenset(scope.split())
    if azp is not None and SESSION_SCOPE in scopes:
        raise unauthenticated("The token is not valid.")  # an app never acts as the person
    return Viewer(
        person_id=sub,
        token_id=jti,
        scopes=scopes,
        issued_at=int(claims["iat"]),
        expires_at=int(claims["exp"]),
        client_id=azp,
    )


def bearer_token(authorization: str | None) -> str | None:
    """The token in an `Authorization: Bearer <jwt>` header, or None when there is no header."""
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated("Use 'Authorization: Bearer <token>'.")
    return token.strip()


class RequestAuth:
    """One request's caller: the token is verified lazily, at most once per request."""

    def __init__(self, verifier: TokenVerifier, authorization: str | None) -> None:
        self._verifier = verifier
        self._authorization = authorization
        self._task: asyncio.Task[Viewer | None] | None = None

    async def viewer(self) -> Viewer | None:
        """The caller, None without a token; a bad token raises UNAUTHENTICATED."""
        if self._task is None:
            self._task = asyncio.ensure_future(self._verify())
        return await asyncio.shield(self._task)

    async def _verify(self) -> Viewer | None:
        token = bearer_token(self._authorization)
        return None if token is None else await self._verifier.verify(token)


class HasAuth(Protocol):
    """A request context that carries the caller (see `subgraphs.common.context`)."""

    @property
    def auth(self) -> RequestAuth: ...


async def optional_viewer(context: HasAuth) -> Viewer | None:
    """The caller if a token was sent (a bad token is still UNAUTHENTICATED)."""
    return await context.auth.viewer()


async def require_viewer(context: HasAuth, scope: str | None = None) -> Viewer:
    """The caller with a sign-in token, or a partner's token that carries `scope`.

    UNAUTHENTICATED when no token was sent; FORBIDDEN (`reason: MISSING_SCOPE`) for a partner
    token this field does not admit.
    """
    viewer = await context.auth.viewer()
    if viewer is None:
        raise unauthenticated()
    if viewer.is_session or (
        scope is not None and viewer.acts_for_person and viewer.has_scope(scope)
    ):
        return viewer
    raise missing_scope(scope or SESSION_SCOPE)


async def require_person(context: HasAuth) -> Viewer:
    """Any token that acts for a person (sign-in, or a partner's with the person's grant).

    For the entry points (`me`) a partner must pass to reach what its scopes admit; the fields
    below check those scopes themselves.
    """
    viewer = await context.auth.viewer()
    if viewer is None:
        raise unauthenticated()
    if not viewer.acts_for_person:
        raise missing_scope(SESSION_SCOPE)
    return viewer
