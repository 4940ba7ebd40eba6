"""Partner apps end to end (issue 22's Show line): a registered app, granted `stories:read` by
Ada through the real authorize + consent + token flow with PKCE, reads Ada's Stories and nothing
else; Ada revokes the grant and the next call is refused. Then the same across people and apps.

The gateway refuses what the token's scopes do not admit (`@requiresScopes`, before planning),
and each subgraph refuses it again on its own when reached directly (`require_viewer`), so both
layers are asserted.
"""

from __future__ import annotations

import pytest

from devstack.graphql_client import require_data
from tests.subgraphs.accounts.partner_world import (
    Stack,
    codes,
    grant,
    person,
    refused_by_gateway,
    register,
)

pytestmark = pytest.mark.integration

STORIES = "{ me { id facebook { stories { caption } } instagram { stories { caption } } } }"
STATUSES = "{ me { whatsapp { statuses { text } } } }"
GRANTS = "{ me { appGrants { app { id name } scopes grantedAt } } }"
STORY = "query($id: ID!) { facebookStory(id: $id) { caption } }"
STATUS = "query($id: ID!) { whatsAppStatus(id: $id) { text } }"
PERSON = "query($id: ID!) { person(id: $id) { facebook { stories { caption } } } }"
PERSON_ENTITY = (
    'query($id: ID!) { _entities(representations: [{__typename: "Person", id: $id}])'
    " { ... on Person { %s } } }"
)
PRIVATE = ("email", "linking { enabled }", "consents { purpose }", "appGrants { scopes }")
WRITES = (
    'mutation { createFacebookStory(caption: "from the app") { id } }',
    'mutation { postStatus(text: "from the app") { status { id } } }',
    "mutation { setConsent(purpose: ADS, granted: true) { granted } }",
    'mutation { registerApp(name: "x", redirectUris: ["https://x.example/cb"],'
    ' scopes: ["stories:read"]) { clientId } }',
    "mutation { signOut }",
)


def revoke(app_id: str) -> str:
    return f'mutation {{ revokeAppGrant(appId: "{app_id}") }}'


def stories(stack: Stack, token: str) -> list[str]:
    me = require_data(stack.gql(STORIES, token), "stories")["me"]
    return [story["caption"] for story in me["facebook"]["stories"]]


def test_a_partner_reads_the_granted_stories_and_nothing_else_until_revoked(
    partner_stack: Stack,
) -> None:
    stack = partner_stack
    ada, bob, dev = person(stack, "Ada"), person(stack, "Bob"), person(stack, "Dev")
    app = register(stack, dev, ["stories:read", "statuses:read"])
    token = grant(stack, app, ada, "stories:read")

    # Ada's Stories, through the gateway.
    mine = require_data(stack.gql(STORIES, token), "stories")["me"]
    assert mine == {
        "id": ada.id,
        "facebook": {"stories": [{"caption": ada.caption}]},
        "instagram": None,
    }
    assert require_data(stack.gql(STORY, token, id=ada.story_id), "own") == {
        "facebookStory": {"caption": ada.caption}
    }
    # Not her Statuses: the app registered the scope, but Ada did not grant it.
    assert refused_by_gateway(stack.gql(STATUSES, token))
    assert refused_by_gateway(stack.gql(STATUS, token, id=ada.status_id))
    # Not her private fields.
    for field in PRIVATE:
        answer = stack.gql(f"{{ me {{ {field} }} }}", token)
        assert refused_by_gateway(answer), field
        assert ada.email not in str(answer.body)
    # Not Bob's Stories: by id it is "none", and looking Bob up needs people:read.
    assert stack.gql(STORY, token, id=bob.story_id).body == {"data": {"facebookStory": None}}
    assert refused_by_gateway(stack.gql(PERSON, token, id=bob.id))
    # No mutations, not even on what it may read; nothing changed.
    for mutation in (*WRITES, revoke(app.client_id)):
        assert refused_by_gateway(stack.gql(mutation, token)), mutation
    assert stories(stack, ada.token) == [ada.caption]

    # Each subgraph refuses on its own, reached past the gateway.
    for name, query in (
        ("whatsapp", PERSON_ENTITY % "whatsapp { statuses { text } }"),
        ("accounts", PERSON_ENTITY % "email"),
    ):
        answer = stack.direct(name, query, token, id=ada.id)
        assert codes(answer) == ["FORBIDDEN"], answer.body
        assert answer.errors[0]["extensions"]["reason"] == "MISSING_SCOPE"
    direct = stack.direct("facebook", WRITES[0], token)
    assert codes(direct) == ["FORBIDDEN"]
    assert stack.direct(
        "facebook", PERSON_ENTITY % "facebook { stories { caption } }", token, id=ada.id
    ).body["data"] == {"_entities": [{"facebook": {"stories": [{"caption": ada.caption}]}}]}

    # Ada sees the grant in Accounts Center and revokes it.
    grants = require_data(stack.gql(GRANTS, ada.token), "grants")["me"]["appGrants"]
    assert [(g["app"]["id"], g["app"]["name"], g["scopes"]) for g in grants] == [
        (app.client_id, "Story Viewer", ["stories:read"])
    ]
    assert require_data(stack.gql(revoke(app.client_id), ada.token), "revoke") == {
        "revokeAppGrant": True
    }

    # The next call is refused, at the gateway's subgraphs and at each subgraph directly.
    after = stack.gql(STORIES, token)
    assert codes(after) == ["UNAUTHENTICATED"], after.body
    assert ada.caption not in str(after.body)
    for name, field in (("facebook", "facebook { id }"), ("accounts", "email")):
        assert codes(stack.direct(name, PERSON_ENTITY % field, token, id=ada.id)) == [
            "UNAUTHENTICATED"
        ]
    assert require_data(stack.gql(GRANTS, ada.token), "grants") == {"me": {"appGrants": []}}
    assert codes(stack.gql(revoke(app.client_id), ada.token)) == ["NOT_FOUND"]
    # Ada's own sign-in is untouched.
    assert stories(stack, ada.token) == [ada.caption]


def test_grants_are_per_person_and_per_app(partner_stack: Stack) -> None:
    stack = partner_stack
    ada, bob, dev = person(stack, "Ada"), person(stack, "Bob"), person(stack, "Dev")
    viewer = register(stack, dev, ["stories:read"], "Story Viewer")
    tracker = register(stack, dev, ["statuses:read", "stories:read"], "Status Tracker")
    ada_viewer = grant(stack, viewer, ada, "stories:read")
    bob_viewer = grant(stack, viewer, bob, "stories:read")
    bob_tracker = grant(stack, tracker, bob, "statuses:read")

    # Each token reads its own person's data only.
    assert stories(stack, ada_viewer) == [ada.caption]
    assert stories(stack, bob_viewer) == [bob.caption]
    assert stack.gql(STORY, ada_viewer, id=bob.story_id).body == {"data": {"facebookStory": None}}
    assert stack.gql(STORY, bob_viewer, id=ada.story_id).body == {"data": {"facebookStory": None}}
    assert require_data(stack.gql(STATUSES, bob_tracker), "statuses") == {
        "me": {"whatsapp": {"statuses": [{"text": bob.status_text}]}}
    }
    assert stack.gql(STATUS, bob_tracker, id=ada.status_id).body == {
        "data": {"whatsAppStatus": None}
    }
    # The tracker was granted statuses only, though it registered stories too.
    assert refused_by_gateway(stack.gql(STORIES, bob_tracker))

    # Each person sees their own grants only.
    names = {
        who.id: sorted(
            g["app"]["name"]
            for g in require_data(stack.gql(GRANTS, who.token), "grants")["me"]["appGrants"]
        )
        for who in (ada, bob, dev)
    }
    assert names == {
        ada.id: ["Story Viewer"],
        bob.id: ["Status Tracker", "Story Viewer"],
        dev.id: [],
    }

    # Nobody can revoke someone else's grant: revokeAppGrant acts on the caller's own only.
    assert codes(stack.gql(revoke(tracker.client_id), ada.token)) == ["NOT_FOUND"]
    assert require_data(stack.gql(STATUSES, bob_tracker), "still")["me"]["whatsapp"] is not None

    # Ada revoking the viewer stops her grant only: Bob's tokens (both apps) keep working.
    require_data(stack.gql(revoke(viewer.client_id), ada.token), "revoke")
    assert codes(stack.gql(STORIES, ada_viewer)) == ["UNAUTHENTICATED"]
    assert stories(stack, bob_viewer) == [bob.caption]
    assert require_data(stack.gql(STATUSES, bob_tracker), "tracker")["me"]["whatsapp"] is not None

    # Granting again after revoking works, with a new token; the old one stays dead.
    again = grant(stack, viewer, ada, "stories:read")
    assert stories(stack, again) == [ada.caption]
    assert codes(stack.gql(STORIES, ada_viewer)) == ["UNAUTHENTICATED"]
