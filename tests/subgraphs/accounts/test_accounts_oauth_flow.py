"""The OAuth 2.0 endpoints' refusals, over real HTTP against the real stack (issue 22).

A code works once, only for its app, its redirect URI and its PKCE verifier; unregistered
redirect URIs are never redirected to; the consent form needs its CSRF cookie and the right
password; client credentials give a token that acts for nobody; registration keeps only a hash
of the secret and accepts only partner scopes.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from pymongo import MongoClient

from devstack.graphql_client import require_data
from tests.subgraphs.accounts.oauth_support import (
    Answer,
    Pkce,
    approve,
    authorize_url,
    callback_params,
    request,
    token_request,
)
from tests.subgraphs.accounts.partner_world import (
    CALLBACK,
    PASSWORD,
    App,
    Person,
    Stack,
    codes,
    person,
    register,
)

pytestmark = pytest.mark.integration

ME = "{ me { id displayName } }"
REGISTER = """
mutation($uris: [String!]!, $scopes: [String!]!) {
  registerApp(name: "Checked", redirectUris: $uris, scopes: $scopes) { clientId }
}
"""


def consent(stack: Stack, app: App, pkce: Pkce, **extra: str) -> Answer:
    return request(
        authorize_url(stack.accounts, app.client_id, CALLBACK, "stories:read", pkce, **extra)
    )


def code_for(stack: Stack, app: App, who: Person, pkce: Pkce) -> str:
    return callback_params(approve(stack.accounts, consent(stack, app, pkce), who.email, PASSWORD))[
        "code"
    ]


def exchange(stack: Stack, app: App, code: str, verifier: str, uri: str = CALLBACK) -> Answer:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": uri,
        "code_verifier": verifier,
    }
    return token_request(stack.accounts, app.client_id, app.secret, form)


def error_of(answer: Answer) -> str:
    body: dict[str, Any] = answer.json()
    return str(body["error"])


def test_a_code_works_once_for_its_app_uri_and_verifier(partner_stack: Stack) -> None:
    stack = partner_stack
    ada, dev = person(stack, "Ada"), person(stack, "Dev")
    app, other = register(stack, dev, ["stories:read"]), register(stack, dev, ["stories:read"])

    pkce = Pkce.new()
    code = code_for(stack, app, ada, pkce)
    assert error_of(exchange(stack, app, code, Pkce.new().verifier)) == "invalid_grant"
    assert error_of(exchange(stack, app, code, pkce.verifier)) == "invalid_grant"  # spent already

    for holder, uri in ((other, CALLBACK), (app, "http://127.0.0.1:9/other")):
        # another app's code, then the right app with another redirect URI
        answer = exchange(stack, holder, code_for(stack, app, ada, pkce), pkce.verifier, uri)
        assert answer.status == 400
        assert error_of(answer) == "invalid_grant"

    good = exchange(stack, app, code_for(stack, app, ada, pkce), pkce.verifier)
    assert good.status == 200
    token = good.json()["access_token"]
    assert require_data(stack.gql(ME, token), "me")["me"]["id"] == ada.id

    # Client authentication: in the form works as HTTP Basic does; a wrong secret does not.
    form = {
        "grant_type": "authorization_code",
        "code": code_for(stack, app, ada, pkce),
        "redirect_uri": CALLBACK,
        "code_verifier": pkce.verifier,
    }
    assert token_request(stack.accounts, app.client_id, app.secret, form, basic=False).status == 200
    bad = token_request(stack.accounts, app.client_id, "not-the-secret", form)
    assert (bad.status, error_of(bad)) == (401, "invalid_client")
    assert bad.headers["www-authenticate"].startswith("Basic")
    unsupported = token_request(
        stack.accounts, app.client_id, app.secret, {"grant_type": "password"}
    )
    assert error_of(unsupported) == "unsupported_grant_type"


def test_the_consent_screen_refuses_what_it_must(partner_stack: Stack) -> None:
    stack = partner_stack
    ada, dev = person(stack, "Ada"), person(stack, "Dev")
    app = register(stack, dev, ["stories:read"])
    pkce = Pkce.new()

    page = consent(stack, app, pkce)
    assert page.status == 200
    assert "Story Viewer" in page.text
    assert "See your Facebook and Instagram Stories." in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "SameSite=strict" in page.headers["set-cookie"]
    assert "HttpOnly" in page.headers["set-cookie"]

    # An unregistered redirect URI or an unknown app: an error page, never a redirect.
    for url in (
        authorize_url(
            stack.accounts, app.client_id, "https://evil.example/cb", "stories:read", pkce
        ),
        authorize_url(stack.accounts, "app_unknown", CALLBACK, "stories:read", pkce),
    ):
        answer = request(url)
        assert answer.status == 400
        assert "location" not in answer.headers
    # Other mistakes go back to the app's verified redirect URI.
    for scope, extra, error in (
        ("statuses:read", {}, "invalid_scope"),  # not registered by the app
        ("session", {}, "invalid_scope"),
        ("stories:read", {"code_challenge_method": "plain"}, "invalid_request"),
        ("stories:read", {"response_type": "token"}, "unsupported_response_type"),
    ):
        url = authorize_url(stack.accounts, app.client_id, CALLBACK, scope, pkce, **extra)
        back = callback_params(request(url))
        assert back["error"] == error, extra
        assert back["state"] == "xyz"

    # A forged post (no CSRF cookie, or another one) is refused; so is a wrong password.
    assert approve(stack.accounts, page, ada.email, PASSWORD, cookie="").status == 403
    assert (
        approve(stack.accounts, page, ada.email, PASSWORD, cookie="oauth_csrf=forged").status == 403
    )
    wrong = approve(stack.accounts, page, ada.email, "not her password")
    assert wrong.status == 401
    assert "location" not in wrong.headers
    assert "The email or password is wrong." in wrong.text
    # Deny goes back to the app with access_denied and records no grant.
    denied = callback_params(approve(stack.accounts, page, ada.email, PASSWORD, decision="deny"))
    assert denied == {"error": "access_denied", "state": "xyz"}
    grants = require_data(stack.gql("{ me { appGrants { scopes } } }", ada.token), "grants")
    assert grants == {"me": {"appGrants": []}}


def test_client_credentials_give_a_token_that_acts_for_nobody(partner_stack: Stack) -> None:
    stack = partner_stack
    ada, dev = person(stack, "Ada"), person(stack, "Dev")
    app = register(stack, dev, ["stories:read", "profile:read"])
    answer = token_request(
        stack.accounts, app.client_id, app.secret, {"grant_type": "client_credentials"}
    )
    assert answer.status == 200
    body = answer.json()
    assert body["scope"] == ""
    assert body["token_type"] == "Bearer"
    token = body["access_token"]
    me = stack.gql(ME, token)
    assert codes(me) == ["FORBIDDEN"]
    assert me.body["data"] == {"me": None}
    entity = (
        'query($id: ID!) { _entities(representations: [{__typename: "Person", id: $id}])'
        " { ... on Person { facebook { stories { caption } } } } }"
    )
    assert codes(stack.direct("facebook", entity, token, id=ada.id)) == ["FORBIDDEN"]
    assert codes(stack.gql('mutation { createFacebookStory(caption: "x") { id } }', token)) == [
        "UNAUTHORIZED_FIELD_OR_TYPE"
    ]


def test_registration_checks_input_and_keeps_only_a_hash(
    partner_stack: Stack, mongodb_uri: str
) -> None:
    stack = partner_stack
    dev = person(stack, "Dev")
    for uris, scopes in (
        (["http://partner.example/cb"], ["stories:read"]),  # plain http off loopback
        (["https://partner.example/cb#part"], ["stories:read"]),
        ([], ["stories:read"]),
        ([CALLBACK], ["session"]),
        ([CALLBACK], ["profile:write"]),
        ([CALLBACK], []),
    ):
        answer = stack.gql(REGISTER, dev.token, uris=uris, scopes=scopes)
        assert codes(answer) == ["BAD_USER_INPUT"], (uris, scopes)
    assert codes(stack.gql(REGISTER, None, uris=[CALLBACK], scopes=["stories:read"])) != []

    app = register(stack, dev, ["stories:read"])
    client: MongoClient[dict[str, Any]] = MongoClient(mongodb_uri)
    try:
        found = [
            doc
            for name in client.list_database_names()
            if name.endswith("_accounts")
            for doc in client[name].partner_apps.find({"clientId": app.client_id})
        ]
    finally:
        client.close()
    assert len(found) == 1
    assert found[0]["secretHash"].startswith("$argon2id$")
    assert app.secret not in str(found[0])
    assert secrets.compare_digest(app.client_id, found[0]["clientId"])
