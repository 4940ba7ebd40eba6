"""No cross-person reads: one signed-in person tries every field of another's data, by id.

The fields tried are derived from the API schema: every root `Query` field that takes an
`id: ID!` argument, and every field of the type it returns. Each attempt selects one field
with the attacker's token and the victim's id, and must come back null (the object or the
field) or as an error, except the fields the product makes public (a person's id, name,
avatar and stickers, shown on every linked platform). Even the `id` of another's Status or
Story comes back null: echoing it would tell the attacker that the id exists. The same attempts
with the victim's own token are the control: they do read the victim's data, so a null here
means refusal, not absence. Every attempt is counted and the count must equal what the schema
enumerates.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)

from devstack.processes import Service
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.security.security_support import SUPERGRAPH, Stack, gql, launch_gateway, sign_up

pytestmark = pytest.mark.integration

BY_ID = frozenset({"person", "whatsAppStatus", "facebookStory", "instagramStory"})
# The victim links nothing (so nothing is cross-posted), grants no partner app and posts stories
# without media.
EMPTY_FOR_THE_OWNER = frozenset(
    {
        "Person.appGrants",
        "WhatsAppStatus.sharedTo",
        "FacebookStory.origin",
        "FacebookStory.mediaUrl",
        "InstagramStory.origin",
        "InstagramStory.mediaUrl",
    }
)
PUBLIC = frozenset({"Person.displayName", "Person.avatar", "Person.stickers"})


@dataclass(frozen=True, slots=True)
class Attempt:
    root: str
    type_name: str
    field: str

    def query(self, target_id: str, field: GraphQLField) -> str:
        below = "" if is_leaf_type(get_named_type(field.type)) else " { __typename }"
        return f'{{ {self.root}(id: "{target_id}") {{ {self.field}{below} }} }}'


def api_schema() -> GraphQLSchema:
    loaded = load_supergraph(SUPERGRAPH.read_text())
    assert isinstance(loaded, Supergraph)
    return loaded.api_schema


def by_id_roots(schema: GraphQLSchema) -> dict[str, GraphQLObjectType]:
    """Root query fields reachable by an id argument, and the object type each returns."""
    assert schema.query_type is not None
    found: dict[str, GraphQLObjectType] = {}
    for name, field in schema.query_type.fields.items():
        arg = field.args.get("id")
        if arg is not None and isinstance(arg.type, GraphQLNonNull):
            returned: GraphQLNamedType = get_named_type(field.type)
            assert isinstance(returned, GraphQLObjectType)
            found[name] = returned
    return found


def enumerate_attempts(schema: GraphQLSchema) -> list[tuple[Attempt, GraphQLField]]:
    attempts = []
    for root, type_ in by_id_roots(schema).items():
        for name, field in type_.fields.items():
            required = [a for a in field.args.values() if isinstance(a.type, GraphQLNonNull)]
            assert all(a.default_value is not None for a in required), f"{type_.name}.{name}"
            attempts.append((Attempt(root, type_.name, name), field))
    return attempts


@pytest.fixture(scope="module")
def gateway(security_stack: Stack) -> Iterator[Service]:
    service = launch_gateway(security_stack, "privacy", {})
    yield service
    service.stop()


def mutate(gateway: Service, token: str, query: str) -> dict[str, Any]:
    reply = gql(gateway, query, token=token)
    assert "errors" not in reply.body, reply.body
    data: dict[str, Any] = reply.body["data"]
    return data


@pytest.fixture(scope="module")
def victim(gateway: Service) -> tuple[str, dict[str, str]]:
    """A person with data in all four subgraphs: (token, root field -> their id)."""
    token, person_id = sign_up(gateway, "Victim")
    phone = f"+49{random.randrange(10**9, 10**10)}"
    mutate(
        gateway, token, f'mutation {{ registerWhatsAppAccount(phoneNumber: "{phone}") {{ id }} }}'
    )
    mutate(
        gateway, token, 'mutation { setAvatar(imageUrl: "https://example.com/a.png") { imageUrl } }'
    )
    mutate(gateway, token, "mutation { setConsent(purpose: ADS, granted: true) { granted } }")
    mutate(gateway, token, 'mutation { createImagineMe(prompt: "a cat") { id } }')
    mutate(gateway, token, 'mutation { createSticker(prompt: "a dog") { id } }')
    status = mutate(
        gateway,
        token,
        'mutation { postStatus(text: "private", crossPost: false) { status { id } } }',
    )["postStatus"]["status"]["id"]
    mutate(gateway, token, 'mutation { registerFacebookProfile(name: "Victim") { id } }')
    story = mutate(gateway, token, 'mutation { createFacebookStory(caption: "mine") { id } }')
    username = f"victim_{random.randrange(10**6)}"
    mutate(
        gateway, token, f'mutation {{ registerInstagramProfile(username: "{username}") {{ id }} }}'
    )
    insta = mutate(gateway, token, 'mutation { createInstagramStory(caption: "mine") { id } }')
    ids = {
        "person": person_id,
        "whatsAppStatus": status,
        "facebookStory": story["createFacebookStory"]["id"],
        "instagramStory": insta["createInstagramStory"]["id"],
    }
    return token, ids


def read(gateway: Service, token: str, attempt: Attempt, field: GraphQLField, target: str) -> Any:
    reply = gql(gateway, attempt.query(target, field), token=token)
    assert reply.status == 200, reply.body
    root = (reply.body.get("data") or {}).get(attempt.root)
    return None if root is None else root.get(attempt.field)


def test_every_private_field_of_another_person_is_refused(
    gateway: Service, victim: tuple[str, dict[str, str]]
) -> None:
    schema = api_schema()
    assert set(by_id_roots(schema)) == BY_ID  # a new by-id field must be added to this test
    attempts = enumerate_attempts(schema)
    victim_token, ids = victim
    attacker_token, _ = sign_up(gateway, "Attacker")
    tried = refused = public = 0
    leaks: list[str] = []
    owner_blind: set[str] = set()
    for attempt, field in attempts:
        target = ids[attempt.root]
        tried += 1
        got = read(gateway, attacker_token, attempt, field, target)
        owned = read(gateway, victim_token, attempt, field, target)
        if owned in (None, []):
            owner_blind.add(f"{attempt.type_name}.{attempt.field}")
        if is_public(attempt):
            public += 1
        elif got is None:
            refused += 1
        else:
            leaks.append(f"{attempt.root}(id).{attempt.field} = {got!r}")
    assert leaks == []
    assert tried == len(attempts) == refused + public
    assert public == len(PUBLIC) + 1  # and Person.id
    assert owner_blind == EMPTY_FOR_THE_OWNER  # the control: the owner reads everything else
    print(f"cross-person attempts: {tried} ({refused} refused, {public} public by design)")


def is_public(attempt: Attempt) -> bool:
    """Public by design (a person's id and public profile); nothing of a Status or Story is."""
    name = f"{attempt.type_name}.{attempt.field}"
    return name in PUBLIC or name == "Person.id"
