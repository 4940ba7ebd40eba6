"""Client awareness: which app sent a request, and its version.

The app a verified token names (`azp`, `client_id` or `app`, as `clients.app_claims` lists
them) wins over the `apollographql-client-name` header, because a header is whatever the
caller says while a token's app is what the issuer granted; the version comes from the header
alone (tokens do not carry one). The identity labels metrics and the access log, and picks
the app's own limits (`apps.<name>`); for limits that matter, require tokens, since without
one the header is the only name there is.

The guard finds the identity when it admits a request and leaves it in a context variable
for the rest of the request's task (telemetry, demand control), as demand control keeps its
estimate between the checks and the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from gateway.config.observability import ClientsConfig

__all__ = ["UNIDENTIFIED", "ClientIdentity", "current_client", "enter_client", "identify_client"]

MAX_LENGTH = 100
"""Characters of a client name or version kept: they come from callers."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientIdentity:
    """The app behind a request (None: it did not say) and the version it reported."""

    name: str | None = None
    version: str | None = None
    from_token: bool = False


UNIDENTIFIED = ClientIdentity()

_CLIENT: ContextVar[ClientIdentity] = ContextVar("gateway_client", default=UNIDENTIFIED)


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:MAX_LENGTH] if value else None


def identify_client(
    claims: Mapping[str, Any], headers: Mapping[str, str], settings: ClientsConfig
) -> ClientIdentity:
    """The app a request comes from: the token's, else the header's."""
    version = _clean(headers.get(settings.version_header))
    for claim in settings.app_claims:
        app = _clean(claims.get(claim))
        if app is not None:
            return ClientIdentity(name=app, version=version, from_token=True)
    return ClientIdentity(name=_clean(headers.get(settings.name_header)), version=version)


def enter_client(identity: ClientIdentity) -> None:
    """Make `identity` the current request's (for the rest of its task)."""
    _CLIENT.set(identity)


def current_client() -> ClientIdentity:
    """The current request's client, UNIDENTIFIED before the guard admitted it."""
    return _CLIENT.get()
