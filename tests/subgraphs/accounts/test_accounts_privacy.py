"""Nobody reads another person's private data, whichever way they ask for it."""

from __future__ import annotations

import pytest

from tests.subgraphs.accounts.accounts_support import AccountsService, codes, ok, sign_up

pytestmark = pytest.mark.integration

PRIVATE_FIELDS = (
    "email",
    "linking { enabled }",
    "sharing { enabled }",
    "consents { granted }",
    "consentHistory { granted }",
    "imagineMe { id }",
    "availability { region }",
)

PERSON = "query($id: ID!) { person(id: $id) { id displayName avatar { imageUrl } %s } }"
ENTITIES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Person { id displayName %s } }
}
"""


def test_public_fields_of_another_person_are_visible(accounts: AccountsService) -> None:
    me, other = sign_up(accounts.url), sign_up(accounts.url, display_name="Other")
    ok(accounts.gql('mutation { createSticker(prompt: "wave") { id } }', token=other.token))
    data = ok(
        accounts.gql(
            "query($id: ID!) { person(id: $id) { displayName stickers { label } } }",
            {"id": other.person_id},
            token=me.token,
        )
    )
    assert data["person"] == {"displayName": "Other", "stickers": [{"label": "wave"}]}


@pytest.mark.parametrize("field", PRIVATE_FIELDS)
def test_private_fields_of_another_person_are_forbidden(
    accounts: AccountsService, field: str
) -> None:
    me, other = sign_up(accounts.url), sign_up(accounts.url)
    response = accounts.gql(PERSON % field, {"id": other.person_id}, token=me.token)
    assert codes(response) == ["FORBIDDEN"]
    assert response.data is not None
    person = response.data["person"]
    assert person["id"] == other.person_id
    private_key = field.split()[0]
    assert person[private_key] is None
    assert other.email not in str(response.body)


@pytest.mark.parametrize("field", PRIVATE_FIELDS)
def test_private_fields_through_entities_are_forbidden(
    accounts: AccountsService, field: str
) -> None:
    me, other = sign_up(accounts.url), sign_up(accounts.url)
    reps = [{"__typename": "Person", "id": other.person_id}]
    response = accounts.gql(ENTITIES % field, {"reps": reps}, token=me.token)
    assert codes(response) == ["FORBIDDEN"]
    assert other.email not in str(response.body)


def test_own_private_fields_are_visible(accounts: AccountsService) -> None:
    me = sign_up(accounts.url)
    fields = " ".join(PRIVATE_FIELDS)
    data = ok(accounts.gql(PERSON % fields, {"id": me.person_id}, token=me.token))
    assert data["person"]["email"] == me.email
    assert data["person"]["availability"] == {"region": "EU"}


def test_private_fields_need_a_token(accounts: AccountsService) -> None:
    other = sign_up(accounts.url)
    reps = [{"__typename": "Person", "id": other.person_id}]
    response = accounts.gql(ENTITIES % "email", {"reps": reps})
    assert codes(response) == ["UNAUTHENTICATED"]
    assert other.email not in str(response.body)


@pytest.mark.parametrize("bad_id", ["1", "not-an-id", "ZZZZZZZZZZZZZZZZZZZZZZZZ", "'; drop"])
def test_malformed_ids_are_bad_user_input(accounts: AccountsService, bad_id: str) -> None:
    me = sign_up(accounts.url)
    response = accounts.gql(PERSON % "", {"id": bad_id}, token=me.token)
    assert codes(response) == ["BAD_USER_INPUT"]
    assert response.data == {"person": None}


def test_unknown_person_is_null_without_error(accounts: AccountsService) -> None:
    me = sign_up(accounts.url)
    data = ok(accounts.gql(PERSON % "", {"id": "0123456789abcdef01234567"}, token=me.token))
    assert data == {"person": None}


def test_malformed_entity_ids_are_bad_user_input(accounts: AccountsService) -> None:
    me = sign_up(accounts.url)
    reps = [
        {"__typename": "Person", "id": "not-an-id"},
        {"__typename": "Person", "id": me.person_id},
    ]
    response = accounts.gql(ENTITIES % "", {"reps": reps})
    assert codes(response) == ["BAD_USER_INPUT"]
    assert response.errors[0]["path"] == ["_entities", 0]
    assert response.data is not None
    assert response.data["_entities"][0] is None
    assert response.data["_entities"][1]["id"] == me.person_id
