"""JWT authentication at the edge: a bad token never reaches a subgraph.

The gateway verifies signature (against the JWKS), `exp`, `aud` and `iss`, and refuses the
request with UNAUTHENTICATED (HTTP 401) when a token is present but bad, or absent while
`auth.required` is on. It does not check revocation itself: the `Authorization` header is
forwarded unchanged, and every subgraph verifies it again with the same JWKS plus the accounts
revocation check, so a sign-out takes effect across the whole graph at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from gateway.config.security import AuthConfig
from gateway.jwks import JwksCache, JwksUnavailable

__all__ = ["ANONYMOUS", "UNAUTHENTICATED", "AuthFailure", "Authenticator", "Claims", "bearer_token"]

UNAUTHENTICATED = "UNAUTHENTICATED"
ALGORITHMS = ("EdDSA", "RS256", "ES256")
"""Signature algorithms accepted; asymmetric only, so a public JWKS cannot forge a token."""
LEEWAY_SECONDS = 0
"""Clock skew allowed on `exp`: none."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Claims:
    """A verified token's claims (empty for an anonymous caller)."""

    values: Mapping[str, Any]

    @property
    def subject(self) -> str | None:
        sub = self.values.get("sub")
        return sub if isinstance(sub, str) else None

    @property
    def scopes(self) -> frozenset[str]:
        scope = self.values.get("scope")
        return frozenset(scope.split()) if isinstance(scope, str) else frozenset()


ANONYMOUS = Claims(values={})


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthFailure:
    """Why a request is refused; never says more than a client may know.

    `unavailable` means the token could not be checked (the key server is down): the client
    should retry, and must not be told its token is bad.
    """

    message: str
    unavailable: bool = False


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    value = headers.get("authorization")
    if value is None:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return ""  # present but unusable: refused like a bad token
    return token.strip()


class Authenticator:
    """Verifies the caller's token against the configured JWKS."""

    def __init__(self, config: AuthConfig) -> None:
        if config.jwks_url is None:
            raise ValueError("authentication needs auth.jwks_url")
        self._config = config
        self._keys = JwksCache(config.jwks_url)

    async def authenticate(self, headers: Mapping[str, str]) -> Claims | AuthFailure:
        token = bearer_token(headers)
        if token is None:
            if self._config.required:
                return AuthFailure(
                    message="This endpoint needs a token: send Authorization: Bearer <token>."
                )
            return ANONYMOUS
        return await self.verify(token)

    async def verify(self, token: str) -> Claims | AuthFailure:
        """The claims of a valid token, or why it is not valid."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            return AuthFailure(message="The token is not a well-formed JWT.")
        kid = header.get("kid")
        try:
            key = await self._keys.key(kid) if isinstance(kid, str) else None
        except JwksUnavailable:
            return AuthFailure(
                message="Cannot check the token now; try again shortly.", unavailable=True
            )
        if key is None:
            return AuthFailure(message="The token is not signed by a known key.")
        try:
            values = jwt.decode(
                token,
                key,
                algorithms=list(ALGORITHMS),
                audience=self._config.audience,
                issuer=self._config.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp"], "verify_aud": self._config.audience is not None},
            )
        except jwt.ExpiredSignatureError:
            return AuthFailure(message="The token has expired.")
        except jwt.InvalidAudienceError:
            return AuthFailure(message="The token is not meant for this graph (audience).")
        except jwt.InvalidIssuerError:
            return AuthFailure(message="The token was not issued by the trusted issuer.")
        except jwt.PyJWTError:
            return AuthFailure(message="The token is not valid.")
        return Claims(values=values)
