"""The OAuth consent screen in headless Chromium (issue 22): a person opens a partner app's
authorize link, sees the app and what it asks for, signs in on accounts' own page and allows it,
and the browser lands on the app's registered redirect URI with a code that the app exchanges
(with its PKCE verifier) for a working token. Denying lands there with `access_denied`.

The partner app is a small real HTTP server on 127.0.0.1 that answers its callback; accounts and
the other subgraphs are the shared `subgraph_stack` processes on FerretDB.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from devstack.graphql_client import post_graphql, require_data
from devstack.processes import Service
from tests.e2e.browser_support import PageLog
from tests.subgraphs.accounts.oauth_support import Pkce, authorize_url, token_request

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

PASSWORD = "correct horse battery"
SIGN_UP = "mutation($input: SignUpInput!) { signUp(input: $input) { token person { id } } }"
REGISTER = """
mutation($uris: [String!]!) {
  registerApp(name: "Story Viewer", redirectUris: $uris, scopes: ["stories:read"]) {
    clientId clientSecret
  }
}
"""


class _Callback(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>Story Viewer</title><h1>Connected</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads the browser's URL instead."""


@pytest.fixture(scope="module")
def partner_callback() -> Iterator[str]:
    """The partner app's redirect URI, served for real on 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Callback)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/callback"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def sign_up(accounts: str) -> tuple[str, str]:
    email = f"ada-{uuid.uuid4().hex[:10]}@example.com"
    person = {"email": email, "password": PASSWORD, "displayName": "Ada", "region": "EU"}
    data = require_data(post_graphql(f"{accounts}/graphql", SIGN_UP, {"input": person}), "up")
    return email, str(data["signUp"]["token"])


def register(accounts: str, token: str, callback: str) -> tuple[str, str]:
    answer = post_graphql(f"{accounts}/graphql", REGISTER, {"uris": [callback]}, token=token)
    data = require_data(answer, "registerApp")["registerApp"]
    return str(data["clientId"]), str(data["clientSecret"])


def open_consent(page: Page, url: str, email: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Allow Story Viewer to read your data?"
    )
    expect(page.locator("#scopes li")).to_have_text(
        ["See your Facebook and Instagram Stories. stories:read"]
    )
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)


def test_a_person_allows_an_app_on_the_consent_screen(
    subgraph_stack: dict[str, Service],
    partner_callback: str,
    local_page: tuple[Page, PageLog],
    output_dir: Path,
) -> None:
    page, log = local_page
    accounts = subgraph_stack["accounts"].url
    email, token = sign_up(accounts)
    client_id, secret = register(accounts, token, partner_callback)
    pkce = Pkce.new()
    url = authorize_url(accounts, client_id, partner_callback, "stories:read", pkce, "s-123")

    open_consent(page, url, email)
    page.screenshot(path=str(output_dir / "consent.png"), full_page=True)
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{partner_callback}?*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connected")
    back = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert back["state"] == "s-123"
    assert log.blocked == []
    assert log.page_errors == []

    form = {
        "grant_type": "authorization_code",
        "code": back["code"],
        "redirect_uri": partner_callback,
        "code_verifier": pkce.verifier,
    }
    answer = token_request(accounts, client_id, secret, form)
    assert answer.status == 200, answer.text
    access = answer.json()["access_token"]
    me = require_data(
        post_graphql(f"{accounts}/graphql", "{ me { displayName } }", token=access), "me"
    )
    assert me == {"me": {"displayName": "Ada"}}
    grants = post_graphql(f"{accounts}/graphql", "{ me { appGrants { scopes } } }", token=token)
    assert require_data(grants, "grants") == {"me": {"appGrants": [{"scopes": ["stories:read"]}]}}


def test_denying_returns_access_denied_and_grants_nothing(
    subgraph_stack: dict[str, Service],
    partner_callback: str,
    local_page: tuple[Page, PageLog],
) -> None:
    page, _ = local_page
    accounts = subgraph_stack["accounts"].url
    email, token = sign_up(accounts)
    client_id, _ = register(accounts, token, partner_callback)
    url = authorize_url(accounts, client_id, partner_callback, "stories:read", Pkce.new(), "s-9")

    open_consent(page, url, email)
    page.get_by_role("button", name="Deny").click()
    page.wait_for_url(f"{partner_callback}?*")
    back = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert back == {"error": "access_denied", "state": "s-9"}
    grants = post_graphql(f"{accounts}/graphql", "{ me { appGrants { scopes } } }", token=token)
    assert require_data(grants, "grants") == {"me": {"appGrants": []}}


def test_a_wrong_password_stays_on_the_consent_screen(
    subgraph_stack: dict[str, Service],
    partner_callback: str,
    local_page: tuple[Page, PageLog],
) -> None:
    page, _ = local_page
    accounts = subgraph_stack["accounts"].url
    email, token = sign_up(accounts)
    client_id, _ = register(accounts, token, partner_callback)
    url = authorize_url(accounts, client_id, partner_callback, "stories:read", Pkce.new())

    open_consent(page, url, email)
    page.get_by_label("Password").fill("not her password")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("alert")).to_have_text("The email or password is wrong.")
    assert urlsplit(page.url).path == "/oauth/authorize"
