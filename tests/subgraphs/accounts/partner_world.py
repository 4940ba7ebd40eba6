"""The world of the partner-app tests: the real stack, people with Stories and Statuses, apps.

`partner_stack` (in conftest.py) runs the four subgraphs and the gateway as processes on
FerretDB with a real redis-server carrying the revocation feed, so revoking a grant is checked
the way sign-out is. `grant` walks the real OAuth flow over HTTP: authorize, the consent form,
the token endpoint with the PKCE verifier.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devstack.database import drop_prefixed, new_prefix
from devstack.graphql_client import GraphQLResponse, post_graphql, require_data
from devstack.processes import Service, free_port
from devstack.redis_server import RedisServer
from devstack.stack import gateway_env, start_gateway, start_subgraphs, stop_all
from tests.subgraphs.accounts.oauth_support import (
    Pkce,
    approve,
    authorize_url,
    callback_params,
    request,
    token_request,
)

__all__ = [
    "CALLBACK",
    "PASSWORD",
    "App",
    "Person",
    "Stack",
    "codes",
    "grant",
    "person",
    "refused_by_gateway",
    "register",
    "run_stack",
]

SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"
PASSWORD = "correct horse battery"
CALLBACK = "http://127.0.0.1:9/callback"
"""Never contacted: the tests read the redirect accounts answers with."""
SIGN_UP = "mutation($input: SignUpInput!) { signUp(input: $input) { token person { id } } }"
REGISTER_APP = """
mutation($name: String!, $uris: [String!]!, $scopes: [String!]!) {
  registerApp(name: $name, redirectUris: $uris, scopes: $scopes) {
    clientId clientSecret app { id name scopes redirectUris }
  }
}
"""
SETUP = (
    ("mutation($v: String!) { registerFacebookProfile(name: $v) { id } }", "name"),
    ("mutation($v: String!) { registerWhatsAppAccount(phoneNumber: $v) { id } }", "phone"),
    ("mutation($v: String!) { postStatus(text: $v, crossPost: false) { status { id } } }", "text"),
    ("mutation($v: String!) { createFacebookStory(caption: $v) { id } }", "caption"),
)


@dataclass(frozen=True, slots=True)
class Stack:
    gateway: str
    accounts: str
    services: dict[str, Service]

    def gql(self, query: str, token: str | None = None, **variables: Any) -> GraphQLResponse:
        return post_graphql(f"{self.gateway}/graphql", query, variables, token=token)

    def direct(self, name: str, query: str, token: str, **variables: Any) -> GraphQLResponse:
        """Straight to one subgraph, past the gateway: its own checks must hold too."""
        return post_graphql(f"{self.services[name].url}/graphql", query, variables, token=token)


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    email: str
    token: str
    story_id: str
    status_id: str
    status_text: str
    caption: str


@dataclass(frozen=True, slots=True)
class App:
    client_id: str
    secret: str


def run_stack(mongodb_uri: str, log_dir: Path) -> Iterator[Stack]:
    redis = RedisServer(log_dir / "redis.log").start()
    prefix = new_prefix()
    try:
        services = start_subgraphs(
            mongodb_uri,
            prefix,
            log_dir,
            internal_token=secrets.token_urlsafe(24),
            redis_url=redis.url,
        )
        try:
            env = {**gateway_env(services), "GATEWAY_LOG_LEVEL": "warning"}
            gateway = start_gateway(SUPERGRAPH, free_port(), env, log_dir / "gateway.log")
            try:
                yield Stack(gateway.url, services["accounts"].url, services)
            finally:
                gateway.stop()
        finally:
            stop_all(services.values())
    finally:
        redis.stop()
        drop_prefixed(mongodb_uri, prefix)


def codes(response: GraphQLResponse) -> list[str]:
    return [str((e.get("extensions") or {}).get("code")) for e in response.errors]


def refused_by_gateway(response: GraphQLResponse) -> bool:
    """The gateway removed the fields before planning (`@requiresScopes`), and only them."""
    found = codes(response)
    return bool(found) and set(found) == {"UNAUTHORIZED_FIELD_OR_TYPE"}


def person(stack: Stack, name: str) -> Person:
    """A person with a Facebook profile and Story, and a WhatsApp account and Status."""
    email = f"{name.lower()}-{uuid.uuid4().hex[:10]}@example.com"
    signed = {"email": email, "password": PASSWORD, "displayName": name, "region": "EU"}
    data = require_data(stack.gql(SIGN_UP, input=signed), "signUp")["signUp"]
    token = data["token"]
    values = {
        "name": name,
        "phone": f"+4477009{secrets.randbelow(10**6):06d}",
        "text": f"{name}'s status {uuid.uuid4().hex[:6]}",
        "caption": f"{name}'s story {uuid.uuid4().hex[:6]}",
    }
    made = [require_data(stack.gql(m, token, v=values[key]), m) for m, key in SETUP]
    return Person(
        id=data["person"]["id"],
        email=email,
        token=token,
        story_id=made[3]["createFacebookStory"]["id"],
        status_id=made[2]["postStatus"]["status"]["id"],
        status_text=values["text"],
        caption=values["caption"],
    )


def register(stack: Stack, owner: Person, scopes: list[str], name: str = "Story Viewer") -> App:
    answer = stack.gql(REGISTER_APP, owner.token, name=name, uris=[CALLBACK], scopes=scopes)
    data = require_data(answer, "registerApp")["registerApp"]
    assert data["app"]["id"] == data["clientId"]
    assert data["app"]["redirectUris"] == [CALLBACK]
    return App(data["clientId"], data["clientSecret"])


def grant(stack: Stack, app: App, who: Person, scope: str) -> str:
    """`who` approves `scope` for the app on the consent screen; the app's access token."""
    pkce = Pkce.new()
    state = secrets.token_urlsafe(8)
    page = request(authorize_url(stack.accounts, app.client_id, CALLBACK, scope, pkce, state))
    assert page.status == 200, page.text
    assert scope in page.text
    back = callback_params(approve(stack.accounts, page, who.email, PASSWORD))
    assert back["state"] == state
    form = {
        "grant_type": "authorization_code",
        "code": back["code"],
        "redirect_uri": CALLBACK,
        "code_verifier": pkce.verifier,
    }
    answer = token_request(stack.accounts, app.client_id, app.secret, form)
    assert answer.status == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == scope
    assert answer.headers["cache-control"] == "no-store"
    token: str = body["access_token"]
    return token
