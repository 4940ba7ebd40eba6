"""Partner apps: registration, grants, authorization codes with PKCE, tokens, revoking a grant.

The rules behind `registerApp`/`revokeAppGrant` and the OAuth endpoints (`oauth.py`):

- **Registration** returns a random client id and a 256-bit secret shown once; only its argon2id
  hash is stored (the password hasher accounts already uses). Redirect URIs must be https, or
  http on a loopback address (RFC 8252 native apps and tests); they are matched exactly.
  An app may only ask for `PARTNER_SCOPES`: never `session`, so it can never write.
- **Authorization codes** are random, stored by SHA-256, live `CODE_TTL`, bound to the app, the
  redirect URI, the grant and a PKCE S256 challenge (RFC 7636; `plain` is refused), and are
  spent by one atomic update, so they work once.
- **Revoking a grant** deletes it, then revokes every live token the app holds for the person
  the way sign-out does: pushed over Redis first (`RevocationPublisher`), then recorded. A code
  exchange running at the same moment records its token first and then checks that its grant
  still exists (and revokes its own token if not), so no token outlives its grant.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import redis.asyncio as aioredis

from subgraphs.accounts.backend import AccountsBackend
from subgraphs.accounts.partner_records import AppRecord, AuthCodeRecord, GrantRecord
from subgraphs.accounts.passwords import hash_password, verify_password
from subgraphs.accounts.records import utc_now
from subgraphs.accounts.tokens import IssuedToken, issue_token
from subgraphs.common.errors import bad_input
from subgraphs.common.revocations import RevocationPublisher
from subgraphs.common.scopes import PARTNER_SCOPES
from subgraphs.common.settings import Settings
from subgraphs.common.text import check_text

__all__ = [
    "CODE_TTL",
    "NewApp",
    "authenticate_client",
    "check_app_scopes",
    "exchange_code",
    "grants_with_apps",
    "issue_app_token",
    "new_code",
    "register_app",
    "revoke_grant",
    "s256",
    "valid_challenge",
]

CODE_TTL = timedelta(minutes=2)
MAX_APP_NAME = 80
MAX_REDIRECT_URIS = 5
MAX_REDIRECT_URI = 512
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")  # RFC 7636 section 4.1
_CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")  # base64url of a SHA-256, unpadded


@dataclass(frozen=True, slots=True, kw_only=True)
class NewApp:
    """A just-registered app and its secret, which is never shown again."""

    app: AppRecord
    secret: str


def _check_redirect_uri(uri: str) -> str:
    message = "Each redirect URI must be https, or http on a loopback address, without fragment."
    text = check_text(uri, "redirectUris", MAX_REDIRECT_URI)
    parts = urlsplit(text)
    if parts.fragment or not parts.hostname or parts.username or parts.password:
        raise bad_input(message, argument="redirectUris")
    if parts.scheme == "https":
        return text
    try:
        loopback = parts.scheme == "http" and ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise bad_input(message, argument="redirectUris")
    return text


def check_app_scopes(scopes: Iterable[str], argument: str = "scopes") -> tuple[str, ...]:
    """Known partner scopes, each once, in a stable order; BAD_USER_INPUT otherwise."""
    wanted = set(scopes)
    unknown = sorted(wanted - PARTNER_SCOPES.keys())
    if unknown or not wanted:
        raise bad_input(
            f"'{argument}' must name one or more of: {', '.join(PARTNER_SCOPES)}.",
            argument=argument,
            unknown=unknown,
        )
    return tuple(scope for scope in PARTNER_SCOPES if scope in wanted)


async def register_app(
    backend: AccountsBackend,
    owner_id: str,
    name: str,
    redirect_uris: Sequence[str],
    scopes: Sequence[str],
) -> NewApp:
    """A new app owned by `owner_id`; every argument is checked before anything is written."""
    checked_name = check_text(name, "name", MAX_APP_NAME)
    if not redirect_uris or len(redirect_uris) > MAX_REDIRECT_URIS:
        raise bad_input(f"Give 1 to {MAX_REDIRECT_URIS} redirect URIs.", argument="redirectUris")
    uris = tuple(dict.fromkeys(_check_redirect_uri(uri) for uri in redirect_uris))
    checked_scopes = check_app_scopes(scopes)
    secret = secrets.token_urlsafe(32)
    app = AppRecord(
        client_id=f"app_{secrets.token_hex(12)}",
        name=checked_name,
        redirect_uris=uris,
        scopes=checked_scopes,
        secret_hash=await hash_password(secret),
        owner_id=owner_id,
        created_at=utc_now(),
    )
    await backend.partners.insert_app(app)
    return NewApp(app=app, secret=secret)


async def authenticate_client(
    backend: AccountsBackend, client_id: str, secret: str
) -> AppRecord | None:
    """The app, if `secret` is its secret; an unknown id costs the same verification."""
    app = await backend.partners.app(client_id[:64])
    if not await verify_password(None if app is None else app.secret_hash, secret[:256]):
        return None
    return app


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of `verifier` (RFC 7636 section 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def valid_challenge(challenge: str) -> bool:
    return bool(_CHALLENGE.match(challenge))


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def new_code(
    backend: AccountsBackend,
    app: AppRecord,
    person_id: str,
    redirect_uri: str,
    scopes: tuple[str, ...],
    challenge: str,
) -> str:
    """Record the person's grant (widened by `scopes`) and a one-time code for it."""
    grant = await backend.partners.add_grant(person_id, app.client_id, scopes, utc_now())
    code = secrets.token_urlsafe(32)
    await backend.partners.insert_code(
        AuthCodeRecord(
            code_hash=_code_hash(code),
            client_id=app.client_id,
            person_id=person_id,
            grant_id=grant.id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            code_challenge=challenge,
            expires_at=utc_now() + CODE_TTL,
        ),
        utc_now(),
    )
    return code


async def exchange_code(
    backend: AccountsBackend,
    settings: Settings,
    app: AppRecord,
    code: str,
    redirect_uri: str,
    verifier: str,
) -> tuple[IssuedToken, str] | None:
    """A token for the code's person and its scopes (as one string); None for any bad code,
    redirect URI or verifier.

    The code is spent before the checks, so a wrong verifier cannot be retried with it.
    """
    spent = await backend.partners.spend_code(_code_hash(code[:128]), utc_now())
    if spent is None or spent.client_id != app.client_id or spent.redirect_uri != redirect_uri:
        return None
    if not _VERIFIER.match(verifier) or not hmac.compare_digest(
        s256(verifier), spent.code_challenge
    ):
        return None
    issued = await issue_token(
        backend.keys,
        backend.repository,
        settings,
        spent.person_id,
        spent.scopes,
        client_id=app.client_id,
    )
    if await backend.partners.grant(spent.grant_id) is None:  # revoked meanwhile: see module
        await backend.repository.revoke_session(issued.token_id, utc_now())
        return None
    return issued, " ".join(spent.scopes)


async def issue_app_token(
    backend: AccountsBackend, settings: Settings, app: AppRecord
) -> IssuedToken:
    """The app's own token (client credentials): no person, no scope over anyone's data."""
    return await issue_token(
        backend.keys, backend.repository, settings, app.client_id, (), client_id=app.client_id
    )


async def grants_with_apps(
    backend: AccountsBackend, person_id: str
) -> list[tuple[GrantRecord, AppRecord]]:
    """The person's grants, newest first, each with its app."""
    grants = await backend.partners.grants_of(person_id)
    apps = await backend.partners.apps([grant.client_id for grant in grants])
    return [(grant, apps[grant.client_id]) for grant in grants if grant.client_id in apps]


async def revoke_grant(
    backend: AccountsBackend, redis: aioredis.Redis | None, person_id: str, client_id: str
) -> bool:
    """Delete the grant and revoke the app's live tokens for the person, everywhere at once.

    True when there was something to revoke. Retrying after a failure (Redis down) finds the
    tokens still live and revokes them then, so an answer of success is never partial.
    """
    removed = await backend.partners.delete_grant(person_id, client_id)
    live = await backend.partners.live_tokens(person_id, client_id, utc_now())
    for token_id, expires_at in live:
        if redis is not None:  # pushed first, as sign-out does (subgraphs.common.revocations)
            await RevocationPublisher(redis).revoke(token_id, expires_at.timestamp())
        await backend.repository.revoke_session(token_id, utc_now())
    return removed or bool(live)
