"""`@authenticated`, `@requiresScopes` and `@policy` from the supergraph, through the real gateway.

The checked-in supergraph guards accounts fields (`me`, `person`, `Person.email`); the test
serves a copy that also guards `whatsAppStatus` (whatsapp subgraph, `status:read` scope),
`facebookStory` (facebook subgraph, `@authenticated`), `Person.email` (`email:read`) and
`instagramStory` (instagram subgraph, `@policy`, decided by the Python hook in
`policy_hook.py`), so the directives sit on fields of four different subgraphs. The subgraphs
are the real ones, unchanged: the gateway alone enforces the supergraph's rules. A removed
field is never fetched: a subgraph asked for it would answer with its own error (carrying
`serviceName`), and the responses here carry none.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from devstack.processes import Service, free_port
from devstack.stack import gateway_env, start_gateway
from tests.gateway.security.security_support import (
    AUDIENCE,
    ISSUER,
    SUPERGRAPH,
    SigningKey,
    Stack,
    gql,
    sign_up,
)

pytestmark = pytest.mark.integration

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"
_SHIPPED_SCOPES = r' @requiresScopes\(scopes: \[\["session"\](, \["[a-z:]+"\])*\]\)'


def guarded_supergraph(directory: Path) -> Path:
    # The shipped `session`/partner scopes come off first: this test guards fields of its own
    # choosing, and a field may carry one @requiresScopes only.
    sdl = re.sub(_SHIPPED_SCOPES, "", SUPERGRAPH.read_text())
    status = "whatsAppStatus(id: ID!): WhatsAppStatus @join__field(graph: WHATSAPP)"
    story = "facebookStory(id: ID!): FacebookStory @join__field(graph: FACEBOOK)"
    assert status in sdl
    assert story in sdl
    sdl = sdl.replace(status, status + ' @requiresScopes(scopes: [["status:read"]])')
    sdl = sdl.replace(story, story + " @authenticated")
    email = "email: String @join__field(graph: ACCOUNTS) @authenticated"
    assert email in sdl
    sdl = sdl.replace(email, email + ' @requiresScopes(scopes: [["email:read"]])')
    insta = "instagramStory(id: ID!): InstagramStory @join__field(graph: INSTAGRAM)"
    assert insta in sdl
    sdl = sdl.replace(insta, insta + ' @policy(policies: [["readStories"]])')
    link = '  @link(url: "https://specs.apollo.dev/link/v1.0")\n'
    sdl = sdl.replace(
        link, link + '  @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)\n'
    )
    sdl += (
        "\ndirective @policy(policies: [[policy__Policy!]!]!)"
        " on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM\n"
        "scalar policy__Policy\n"
    )
    path = directory / "supergraph-guarded.graphql"
    path.write_text(sdl)
    return path


def serve(stack: Stack, name: str, extra: dict[str, str]) -> Service:
    env = {
        **gateway_env(stack.services),
        "GATEWAY_LOG_LEVEL": "warning",
        "GATEWAY_AUTH_JWKS_URL": stack.jwks_url,
        "GATEWAY_AUTH_ISSUER": ISSUER,
        "GATEWAY_AUTH_AUDIENCE": AUDIENCE,
        "GATEWAY_AUTHORIZATION_POLICY_HOOK": "tests.gateway.security.policy_hook:decide",
        **extra,
    }
    supergraph = guarded_supergraph(stack.log_dir)
    return start_gateway(supergraph, free_port(), env, stack.log_dir / f"gateway-{name}.log")


@pytest.fixture(scope="module")
def gateway(security_stack: Stack) -> Iterator[Service]:
    service = serve(security_stack, "authz", {})
    yield service
    service.stop()


@pytest.fixture(scope="module")
def rejecting(security_stack: Stack) -> Iterator[Service]:
    service = serve(security_stack, "authz-reject", {"GATEWAY_AUTHORIZATION_REJECT": "true"})
    yield service
    service.stop()


@pytest.fixture(scope="module")
def owner(gateway: Service, security_stack: Stack) -> dict[str, Any]:
    """A person with a status and a story; their token lacks `status:read` (not a default)."""
    token, person_id = sign_up(gateway, "Authz Owner")
    phone = f"+49{random.randrange(10**9, 10**10)}"
    register = f'mutation {{ registerWhatsAppAccount(phoneNumber: "{phone}") {{ id }} }}'
    reply = gql(gateway, register, token=token)
    assert "errors" not in reply.body, reply.body
    posted = gql(
        gateway,
        'mutation { postStatus(text: "s", crossPost: false) { status { id } } }',
        token=token,
    )
    gql(gateway, 'mutation { registerFacebookProfile(name: "Owner") { id } }', token=token)
    story = gql(gateway, 'mutation { createFacebookStory(caption: "c") { id } }', token=token)
    username = f"owner_{random.randrange(10**6)}"
    register_insta = f'mutation {{ registerInstagramProfile(username: "{username}") {{ id }} }}'
    assert "errors" not in gql(gateway, register_insta, token=token).body
    insta = gql(gateway, 'mutation { createInstagramStory(caption: "i") { id } }', token=token)
    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    key = SigningKey.load(security_stack, jti=jti)
    return {
        "token": token,
        "id": person_id,
        "status": posted.body["data"]["postStatus"]["status"]["id"],
        "story": story.body["data"]["createFacebookStory"]["id"],
        "insta": insta.body["data"]["createInstagramStory"]["id"],
        "key": key,
    }


def query_all(owner: dict[str, Any]) -> str:
    return (
        f'{{ __typename me {{ id }} whatsAppStatus(id: "{owner["status"]}") {{ id text }}'
        f' facebookStory(id: "{owner["story"]}") {{ id caption }} }}'
    )


def unauthorized_paths(body: dict[str, Any]) -> list[list[str]]:
    errors = body.get("errors", [])
    assert all("serviceName" not in e.get("extensions", {}) for e in errors), errors
    return sorted(e["path"] for e in errors if e["extensions"]["code"] == UNAUTHORIZED)


def test_anonymous_caller_loses_every_guarded_field(
    gateway: Service, owner: dict[str, Any]
) -> None:
    reply = gql(gateway, query_all(owner))
    assert reply.status == 200
    assert reply.body["data"] == {
        "__typename": "Query", "me": None, "whatsAppStatus": None, "facebookStory": None,
    }  # fmt: skip
    assert unauthorized_paths(reply.body) == [["facebookStory"], ["me"], ["whatsAppStatus"]]
    assert len(reply.body["errors"]) == 3


def test_missing_scope_removes_only_the_scoped_field(
    gateway: Service, owner: dict[str, Any]
) -> None:
    reply = gql(gateway, query_all(owner), token=owner["token"])
    assert reply.body["data"] == {
        "__typename": "Query",
        "me": {"id": owner["id"]},
        "whatsAppStatus": None,
        "facebookStory": {"id": owner["story"], "caption": "c"},
    }
    assert unauthorized_paths(reply.body) == [["whatsAppStatus"]]


def test_the_scope_lets_the_field_through(gateway: Service, owner: dict[str, Any]) -> None:
    token = owner["key"].token(owner["id"], scope="session profile:read status:read")
    reply = gql(gateway, query_all(owner), token=token)
    assert "errors" not in reply.body, reply.body
    assert reply.body["data"]["whatsAppStatus"] == {"id": owner["status"], "text": "s"}


def test_nested_and_fragment_fields_are_removed_at_their_paths(
    gateway: Service, owner: dict[str, Any]
) -> None:
    token = owner["key"].token(owner["id"], scope="session profile:read")  # no people:, email:read
    query = (
        f'query Q {{ me {{ ...Mine }} person(id: "{owner["id"]}") {{ displayName }} }}'
        " fragment Mine on Person { id ... on Person { email } }"
    )
    reply = gql(gateway, query, token=token)
    assert reply.body["data"] == {"me": {"id": owner["id"], "email": None}, "person": None}
    assert unauthorized_paths(reply.body) == [["me", "email"], ["person"]]
    allowed = owner["key"].token(owner["id"], scope="session people:read email:read")
    full = gql(gateway, query, token=allowed)
    assert "errors" not in full.body, full.body
    assert full.body["data"]["me"]["email"].startswith("authz-owner-")
    anonymous = gql(gateway, query)
    assert anonymous.body["data"] == {"me": None, "person": None}
    assert unauthorized_paths(anonymous.body) == [["me"], ["person"]]


def test_a_guarded_mutation_is_never_run(gateway: Service, owner: dict[str, Any]) -> None:
    reply = gql(gateway, "mutation { signOut }")
    assert reply.body == {
        "data": {"signOut": None},
        "errors": [{"message": "Unauthorized field or type", "path": ["signOut"],
                    "extensions": {"code": UNAUTHORIZED}}],
    }  # fmt: skip


def test_reject_mode_refuses_the_whole_request(rejecting: Service, owner: dict[str, Any]) -> None:
    reply = gql(rejecting, query_all(owner), token=owner["token"])
    assert reply.status == 403
    assert reply.codes == [UNAUTHORIZED]
    assert "data" not in reply.body
    allowed = gql(rejecting, "{ me { id } }", token=owner["token"])
    assert allowed.body == {"data": {"me": {"id": owner["id"]}}}


def test_policy_is_decided_by_the_python_hook(gateway: Service, owner: dict[str, Any]) -> None:
    query = f'{{ instagramStory(id: "{owner["insta"]}") {{ id caption }} }}'
    without = gql(gateway, query, token=owner["token"])
    assert without.body["data"] == {"instagramStory": None}
    assert unauthorized_paths(without.body) == [["instagramStory"]]
    reader = owner["key"].token(owner["id"], roles=["reader"])
    allowed = gql(gateway, query, token=reader)
    assert "errors" not in allowed.body, allowed.body
    assert allowed.body["data"] == {"instagramStory": {"id": owner["insta"], "caption": "i"}}
