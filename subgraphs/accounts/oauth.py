"""OAuth 2.0 for partner apps (RFC 6749 with PKCE, RFC 7636): `/oauth/authorize`, `/oauth/token`.

- `GET /oauth/authorize?response_type=code&client_id&redirect_uri&scope&state&code_challenge
  &code_challenge_method=S256` shows the consent screen (`consent_page.py`). An unknown app or
  a redirect URI that is not one of the app's registered ones gets an error page and is never
  redirected to; any other bad parameter is reported to the (verified) redirect URI, as
  RFC 6749 4.1.2.1 says. `POST` is the form: CSRF token, the person's email and password, and
  a decision; approval records the grant and redirects with a one-time `code` and the `state`.
- `POST /oauth/token` (form-encoded; client id and secret by HTTP Basic or in the form):
  `grant_type=client_credentials` gives the app's own token (no person, no scope);
  `grant_type=authorization_code` with `code`, `redirect_uri` and `code_verifier` gives a token
  for the person with the granted scopes. Errors are RFC 6749 5.2 JSON. No refresh tokens:
  access tokens live an hour, and the app asks the person again after that.

Tokens are the same EdDSA JWTs as sign-in tokens (verified by the gateway's JWKS and every
subgraph), with `azp` = the client id, `sub` = the person (or the client id for the app's own
token) and `scope`, and they are revoked like sign-in sessions.

Why hand-written: authlib's authorization server integrates with Flask and Django, not with
Starlette or asyncio, and an adapter would be larger than what it replaces here: parameter
checks, an exact redirect URI match and PKCE's one SHA-256 (`partner_apps.py`). The secrets,
hashes and comparisons come from the standard library (`secrets`, `hashlib`, `hmac`).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from subgraphs.accounts.backend import AccountsBackend
from subgraphs.accounts.consent_page import PAGE_HEADERS, consent_page, problem_page
from subgraphs.accounts.credentials import verify_credentials
from subgraphs.accounts.partner_apps import (
    authenticate_client,
    exchange_code,
    issue_app_token,
    new_code,
    valid_challenge,
)
from subgraphs.accounts.partner_records import AppRecord
from subgraphs.accounts.records import utc_now
from subgraphs.common.errors import AppError, ErrorCode
from subgraphs.common.internal import services_of
from subgraphs.common.responses import OrjsonResponse
from subgraphs.common.scopes import PARTNER_SCOPES

__all__ = ["CSRF_COOKIE", "oauth_routes"]

CSRF_COOKIE = "oauth_csrf"
_MAX_PARAMETER = 512
EXPIRED_FORM = "This form expired or came from another site; start again from the app."
GRANT_TYPES = "Use authorization_code or client_credentials."


@dataclass(frozen=True, slots=True, kw_only=True)
class _Authorize:
    """A checked authorization request."""

    app: AppRecord
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str
    challenge: str


class _Refusal(Exception):
    """Shown to the person as a page: the redirect URI cannot be trusted (yet)."""


class _ToApp(Exception):
    """Reported to the app at its verified redirect URI (RFC 6749 4.1.2.1)."""

    def __init__(self, redirect_uri: str, state: str, error: str, description: str) -> None:
        super().__init__(description)
        self.location = _with_query(
            redirect_uri, {"error": error, "error_description": description, "state": state}
        )


class _OAuthError(Exception):
    """A token endpoint error (RFC 6749 5.2)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def _with_query(uri: str, params: Mapping[str, str]) -> str:
    kept = {key: value for key, value in params.items() if value}
    return f"{uri}{'&' if '?' in uri else '?'}{urlencode(kept)}"


def _param(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return value[:_MAX_PARAMETER] if isinstance(value, str) else ""


def _backend(request: Request) -> AccountsBackend:
    backend: AccountsBackend = services_of(request).repository
    return backend


async def _checked(backend: AccountsBackend, params: Mapping[str, Any]) -> _Authorize:
    client_id = _param(params, "client_id")
    app = await backend.partners.app(client_id) if client_id else None
    if app is None:
        raise _Refusal("This app is not registered with Accounts Center.")
    redirect_uri = _param(params, "redirect_uri")
    if redirect_uri not in app.redirect_uris:
        raise _Refusal("This address is not one the app registered; nothing was sent to it.")
    state = _param(params, "state")
    if _param(params, "response_type") != "code":
        raise _ToApp(redirect_uri, state, "unsupported_response_type", "Only 'code' is offered.")
    challenge = _param(params, "code_challenge")
    if _param(params, "code_challenge_method") != "S256" or not valid_challenge(challenge):
        raise _ToApp(redirect_uri, state, "invalid_request", "PKCE with S256 is required.")
    wanted = _param(params, "scope").split()
    if not wanted or not set(wanted) <= set(app.scopes):
        raise _ToApp(redirect_uri, state, "invalid_scope", "Ask for scopes the app registered.")
    scopes = tuple(scope for scope in PARTNER_SCOPES if scope in wanted)
    return _Authorize(
        app=app, redirect_uri=redirect_uri, scopes=scopes, state=state, challenge=challenge
    )


def _page(request: _Authorize, csrf: str, error: str | None = None, status: int = 200) -> Response:
    hidden = {
        "response_type": "code",
        "client_id": request.app.client_id,
        "redirect_uri": request.redirect_uri,
        "scope": " ".join(request.scopes),
        "state": request.state,
        "code_challenge": request.challenge,
        "code_challenge_method": "S256",
    }
    body = consent_page(
        app_name=request.app.name,
        scopes=[(scope, PARTNER_SCOPES[scope]) for scope in request.scopes],
        hidden=hidden,
        csrf=csrf,
        error=error,
    )
    response = HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)
    response.set_cookie(
        CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/oauth", max_age=1800
    )
    return response


def _problem(message: str, status: int = 400) -> Response:
    return HTMLResponse(problem_page(message), status_code=status, headers=PAGE_HEADERS)


async def _authorize_page(request: Request) -> Response:
    try:
        checked = await _checked(_backend(request), request.query_params)
    except _Refusal as refusal:
        return _problem(str(refusal))
    except _ToApp as error:
        return RedirectResponse(error.location, status_code=303)
    return _page(checked, secrets.token_urlsafe(32))


async def _authorize_decision(request: Request) -> Response:
    form = await request.form()
    backend = _backend(request)
    try:
        checked = await _checked(backend, form)
    except _Refusal as refusal:
        return _problem(str(refusal))
    except _ToApp as error:
        return RedirectResponse(error.location, status_code=303)
    cookie, sent = request.cookies.get(CSRF_COOKIE, ""), _param(form, "csrf")
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        return _problem(
            "This form expired or came from another site; start again from the app.", 403
        )
    if _param(form, "decision") != "approve":
        denied = {"error": "access_denied", "state": checked.state}
        return RedirectResponse(_with_query(checked.redirect_uri, denied), status_code=303)
    client = request.client.host if request.client is not None else "unknown"
    try:
        person = await verify_credentials(
            backend, _param(form, "email"), _param(form, "password"), client
        )
    except AppError as error:
        status = 429 if error.code is ErrorCode.RATE_LIMITED else 401
        return _page(checked, cookie, error.message, status)
    code = await new_code(
        backend, checked.app, person.id, checked.redirect_uri, checked.scopes, checked.challenge
    )
    granted = {"code": code, "state": checked.state}
    return RedirectResponse(_with_query(checked.redirect_uri, granted), status_code=303)


def _basic(authorization: str) -> tuple[str, str] | None:
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    return (unquote_plus(client_id), unquote_plus(secret)) if colon else None


async def _client(backend: AccountsBackend, request: Request, form: FormData) -> AppRecord:
    header = request.headers.get("authorization")
    credentials: tuple[str, str] | None
    if header is not None:
        credentials = _basic(header)
    else:
        credentials = (_param(form, "client_id"), _param(form, "client_secret"))
    if credentials is None or not credentials[0] or not credentials[1]:
        raise _OAuthError("invalid_client", "Authenticate the app: its client id and secret.", 401)
    app = await authenticate_client(backend, *credentials)
    if app is None:
        raise _OAuthError("invalid_client", "Unknown app or wrong secret.", 401)
    return app


async def _token(request: Request) -> Response:
    services = services_of(request)
    backend: AccountsBackend = services.repository
    form = await request.form()
    try:
        app = await _client(backend, request, form)
        grant_type = _param(form, "grant_type")
        if grant_type == "client_credentials":
            issued = await issue_app_token(backend, services.settings, app)
            scope = ""
        elif grant_type == "authorization_code":
            exchanged = await exchange_code(
                backend,
                services.settings,
                app,
                _param(form, "code"),
                _param(form, "redirect_uri"),
                _param(form, "code_verifier"),
            )
            if exchanged is None:
                raise _OAuthError("invalid_grant", "The code is invalid, spent or expired.")
            issued, scope = exchanged
        else:
            raise _OAuthError(
                "unsupported_grant_type", "Use authorization_code or client_credentials."
            )
    except _OAuthError as error:
        headers = {"Cache-Control": "no-store"}
        if error.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="accounts"'
        body = {"error": error.error, "error_description": error.description}
        return OrjsonResponse(body, status_code=error.status, headers=headers)
    answer = {
        "access_token": issued.token,
        "token_type": "Bearer",
        "expires_in": int((issued.expires_at - utc_now()).total_seconds()),
        "scope": scope,
    }
    return OrjsonResponse(answer, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def oauth_routes() -> list[BaseRoute]:
    return [
        Route("/oauth/authorize", _authorize_page, methods=["GET"]),
        Route("/oauth/authorize", _authorize_decision, methods=["POST"]),
        Route("/oauth/token", _token, methods=["POST"]),
    ]
