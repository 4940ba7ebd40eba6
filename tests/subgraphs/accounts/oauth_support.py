"""A partner app's side of OAuth 2.0 over real HTTP: PKCE, the consent form, the token endpoint.

Redirects are not followed: the tests read the `Location` accounts answers with, which is
exactly what a browser would be sent to (the Chromium test follows it for real).
"""

from __future__ import annotations

import base64
import hashlib
import html
import http.client
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

__all__ = [
    "Answer",
    "Pkce",
    "approve",
    "authorize_url",
    "callback_params",
    "hidden_fields",
    "request",
    "token_request",
]

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
TIMEOUT_SECONDS = 30


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True, slots=True)
class Pkce:
    """A fresh RFC 7636 verifier and its S256 challenge."""

    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode())


def request(
    url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> Answer:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(
        parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        found = {key.lower(): value for key, value in response.getheaders()}
        return Answer(response.status, found, response.read())
    finally:
        connection.close()


def authorize_url(
    accounts: str,
    client_id: str,
    redirect_uri: str,
    scope: str,
    pkce: Pkce,
    state: str = "xyz",
    **extra: str,
) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    return f"{accounts}/oauth/authorize?{urlencode(params)}"


def hidden_fields(page: str) -> dict[str, str]:
    return {html.unescape(k): html.unescape(v) for k, v in _HIDDEN.findall(page)}


def approve(
    accounts: str,
    page: Answer,
    email: str,
    password: str,
    decision: str = "approve",
    cookie: str | None = None,
) -> Answer:
    """Submit the consent form of `page` as the browser would (its cookie and hidden fields)."""
    set_cookie = page.headers.get("set-cookie", "")
    form = {**hidden_fields(page.text), "email": email, "password": password, "decision": decision}
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie if cookie is not None else set_cookie.split(";", 1)[0],
    }
    return request(f"{accounts}/oauth/authorize", "POST", urlencode(form).encode(), headers)


def callback_params(answer: Answer) -> dict[str, str]:
    """The query parameters of the redirect accounts answered with (303 to the app)."""
    assert answer.status == 303, (answer.status, answer.text)
    return {
        key: values[0]
        for key, values in parse_qs(urlsplit(answer.headers["location"]).query).items()
    }


def token_request(
    accounts: str, client_id: str, secret: str, form: dict[str, str], basic: bool = True
) -> Answer:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    fields = dict(form)
    if basic:
        pair = f"{client_id}:{secret}".encode()
        headers["Authorization"] = f"Basic {base64.b64encode(pair).decode()}"
    else:
        fields |= {"client_id": client_id, "client_secret": secret}
    return request(f"{accounts}/oauth/token", "POST", urlencode(fields).encode(), headers)
