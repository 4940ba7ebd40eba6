"""The WhatsApp subgraph over HTTP: federation entry points, Statuses, privacy and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId

from subgraphs.whatsapp.schema import print_sdl
from tests.subgraphs.whatsapp.platform_world import Graph, Person

pytestmark = pytest.mark.integration

# Not "delete": the delivery worker purges expired Statuses now and then, whatever the test does.
WRITES = ("insert", "update", "findAndModify")
POST = """mutation($t: String!, $c: Boolean!) {
  postStatus(text: $t, crossPost: $c) {
    status { id text sharedTo { platform state } } done pending
  }
}"""
ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on WhatsAppAccount { id phoneNumber isBusiness businessName statuses { id text } }
  ... on WhatsAppStatus { id text expiresAt sharedTo { platform } }
  ... on Person { id whatsapp { id phoneNumber } }
} }"""


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def writes(graph: Graph) -> int:
    counts = graph.commands("whatsapp")
    return sum(counts.get(command, 0) for command in WRITES)


def post(graph: Graph, person: Person, text: str) -> str:
    data = graph.data("whatsapp", POST, {"t": text, "c": False}, person.token)
    status_id: str = data["postStatus"]["status"]["id"]
    return status_id


def test_service_sdl_is_the_printed_sdl(graph: Graph) -> None:
    data = graph.data("whatsapp", "{ _service { sdl } }")
    assert data["_service"]["sdl"].rstrip("\n") == print_sdl().rstrip("\n")
    assert 'type WhatsAppStatus @key(fields: "id")' in data["_service"]["sdl"]


def test_entities_resolve_for_their_owner(graph: Graph) -> None:
    person = graph.sign_up()
    account_id = graph.register_whatsapp(person, business_name="Ada's Teas")
    status_id = post(graph, person, "first light")
    representations = [
        {"__typename": "WhatsAppAccount", "id": account_id},
        {"__typename": "WhatsAppStatus", "id": status_id},
        {"__typename": "Person", "id": person.id},
    ]
    entities = graph.data("whatsapp", ENTITIES, {"r": representations}, person.token)["_entities"]
    account, status, who = entities
    assert account["id"] == account_id
    assert account["isBusiness"] is True
    assert account["businessName"] == "Ada's Teas"
    assert [s["id"] for s in account["statuses"]] == [status_id]
    assert status["text"] == "first light"
    assert status["sharedTo"] == []
    assert who["whatsapp"]["id"] == account_id


def test_nobody_reads_another_persons_account_or_statuses(graph: Graph) -> None:
    owner, other = graph.sign_up(), graph.sign_up()
    account_id = graph.register_whatsapp(owner)
    status_id = post(graph, owner, "private thoughts")
    representations = [
        {"__typename": "WhatsAppAccount", "id": account_id},
        {"__typename": "WhatsAppStatus", "id": status_id},
        {"__typename": "Person", "id": owner.id},
    ]
    for token, code in ((other.token, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        body = graph.post("whatsapp", ENTITIES, {"r": representations}, token)
        assert "private thoughts" not in str(body)
        assert set(codes(body)) == {code}
        assert body["data"]["_entities"][2] == {"id": owner.id, "whatsapp": None}
    query = "query($id: ID!) { whatsAppStatus(id: $id) { text } }"
    body = graph.post("whatsapp", query, {"id": status_id}, other.token)
    assert body == {"data": {"whatsAppStatus": None}}  # as for an id that does not exist


def test_a_forged_token_is_unauthenticated(graph: Graph) -> None:
    person = graph.sign_up()
    header, payload, _ = person.token.split(".")
    forged = f"{header}.{payload}.{'A' * 86}"
    body = graph.post("whatsapp", POST, {"t": "hello", "c": False}, forged)
    assert codes(body) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("text", "argument"),
    [
        ("", "text"),
        ("   ", "text"),
        ("x" * 701, "text"),
        ("hi\x00there", "text"),
        ("\x1b[2J", "text"),
    ],
)
def test_empty_or_too_long_status_is_refused_and_writes_nothing(
    graph: Graph, text: str, argument: str
) -> None:
    person = graph.sign_up()
    graph.register_whatsapp(person)
    before = writes(graph)
    body = graph.post("whatsapp", POST, {"t": text, "c": True}, person.token)
    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["argument"] == argument
    assert writes(graph) == before
    assert graph.database("whatsapp")["statuses"].count_documents({"ownerId": person.id}) == 0


def test_bad_registrations_are_refused(graph: Graph) -> None:
    person = graph.sign_up()
    mutation = """mutation($p: String!, $b: Boolean!, $n: String) {
      registerWhatsAppAccount(phoneNumber: $p, isBusiness: $b, businessName: $n) { id } }"""
    before = writes(graph)
    for variables in (
        {"p": "12345", "b": False, "n": None},
        {"p": "+447700900123", "b": True, "n": None},
        {"p": "+447700900123", "b": False, "n": "Not a business"},
    ):
        body = graph.post("whatsapp", mutation, variables, person.token)
        assert codes(body) == ["BAD_USER_INPUT"], variables
    assert writes(graph) == before
    graph.register_whatsapp(person)
    again = graph.post("whatsapp", mutation, {"p": "+447700900999", "b": False}, person.token)
    assert codes(again) == ["CONFLICT"]


def test_malformed_ids_are_bad_user_input(graph: Graph) -> None:
    person = graph.sign_up()
    representations = [{"__typename": "WhatsAppStatus", "id": "not-an-id"}]
    body = graph.post("whatsapp", ENTITIES, {"r": representations}, person.token)
    assert codes(body) == ["BAD_USER_INPUT"]
    proof = 'mutation { createWhatsAppLinkProof(accountId: "42") { code } }'
    assert codes(graph.post("whatsapp", proof, token=person.token)) == ["BAD_USER_INPUT"]
    unknown = 'mutation { postStatus(text: "hi", targets: [MYSPACE]) { done } }'
    assert codes(graph.post("whatsapp", unknown, token=person.token)) == ["BAD_USER_INPUT"]


def test_expired_statuses_are_not_returned(graph: Graph) -> None:
    person = graph.sign_up()
    account_id = graph.register_whatsapp(person)
    fresh, stale = post(graph, person, "still here"), post(graph, person, "yesterday's news")
    past = datetime.now(UTC) - timedelta(seconds=1)
    graph.database("whatsapp")["statuses"].update_one(
        {"_id": ObjectId(stale)}, {"$set": {"expiresAt": past}}
    )
    representations = [
        {"__typename": "WhatsAppAccount", "id": account_id},
        {"__typename": "WhatsAppStatus", "id": stale},
    ]
    account, status = graph.data("whatsapp", ENTITIES, {"r": representations}, person.token)[
        "_entities"
    ]
    assert [s["id"] for s in account["statuses"]] == [fresh]
    assert status is None


def test_link_proof_is_for_the_owner_and_works_once(graph: Graph) -> None:
    owner, other = graph.sign_up(), graph.sign_up()
    account_id = graph.register_whatsapp(owner)
    mutation = "mutation($a: ID!) { createWhatsAppLinkProof(accountId: $a) { code } }"
    body = graph.post("whatsapp", mutation, {"a": account_id}, other.token)
    assert codes(body) == ["NOT_FOUND"]  # as for an account id that does not exist
    code = graph.proof(owner, "WHATSAPP", account_id)
    verify = "/internal/link-proofs/verify"
    theirs = {"accountId": account_id, "personId": other.id, "code": code}
    assert graph.internal("whatsapp", verify, theirs) == (200, {"valid": False})
    assert graph.internal("whatsapp", verify, theirs, token=None)[0] == 401
    mine = {**theirs, "personId": owner.id}
    assert graph.internal("whatsapp", verify, mine) == (200, {"valid": True})
    assert graph.internal("whatsapp", verify, mine) == (200, {"valid": False})


def test_resolving_100_statuses_costs_one_database_query(graph: Graph) -> None:
    person = graph.sign_up()
    graph.register_whatsapp(person)
    status_ids = [post(graph, person, f"status {n}") for n in range(100)]
    representations = [{"__typename": "WhatsAppStatus", "id": s} for s in status_ids]
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
      ... on WhatsAppStatus { id text sharedTo { platform } } } }"""
    before = graph.commands("whatsapp")
    entities = graph.data("whatsapp", query, {"r": representations}, person.token)["_entities"]
    after = graph.commands("whatsapp")
    assert [e["text"] for e in entities] == [f"status {n}" for n in range(100)]
    sent = {command: n - before.get(command, 0) for command, n in after.items()}
    assert {command: n for command, n in sent.items() if n} == {"find": 1}


def test_link_proofs_expire_and_lock_after_wrong_guesses(graph: Graph) -> None:
    owner = graph.sign_up()
    account_id = graph.register_whatsapp(owner)
    verify = "/internal/link-proofs/verify"
    expired = graph.proof(owner, "WHATSAPP", account_id)
    graph.database("whatsapp")["link_proofs"].update_many(
        {"accountId": account_id}, {"$set": {"expiresAt": datetime.now(UTC) - timedelta(1)}}
    )
    request = {"accountId": account_id, "personId": owner.id, "code": expired}
    assert graph.internal("whatsapp", verify, request) == (200, {"valid": False})

    code = graph.proof(owner, "WHATSAPP", account_id)
    for guess in range(5):
        wrong = {**request, "code": f"WRONG{guess}"}
        assert graph.internal("whatsapp", verify, wrong) == (200, {"valid": False})
    assert graph.internal("whatsapp", verify, {**request, "code": code}) == (200, {"valid": False})
    fresh = graph.proof(owner, "WHATSAPP", account_id)  # the owner can always ask again
    assert graph.internal("whatsapp", verify, {**request, "code": fresh}) == (200, {"valid": True})
