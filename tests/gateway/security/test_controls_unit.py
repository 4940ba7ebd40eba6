"""The security controls as pure functions: no sockets, one behaviour per test."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from graphql import print_ast

from gateway.config.security import AuthorizationConfig, PersistedConfig
from gateway.operation import PreparedOperation, prepare_operation
from gateway.security.authentication import ANONYMOUS, Claims, bearer_token
from gateway.security.authorization import filter_operation, null_removed, satisfies
from gateway.security.csrf import csrf_refusal
from gateway.security.directives import Requirement, read_requirements
from gateway.security.persisted import DocumentProblem, PersistedDocuments
from gateway.security.policy import Authorizer
from gateway.security.ratelimit import client_key
from gateway.stores import MemoryStore
from gateway.supergraph import Supergraph, load_supergraph

ROOT = Path(__file__).resolve().parents[3]
PREFLIGHT = ("apollo-require-preflight", "x-apollo-operation-name")


def supergraph() -> Supergraph:
    loaded = load_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())
    assert isinstance(loaded, Supergraph)
    return loaded


def deny(policies: frozenset[str], claims: Claims) -> bool:
    return False


def test_csrf_simple_requests_are_refused() -> None:
    assert csrf_refusal({}, PREFLIGHT) is not None
    assert csrf_refusal({"content-type": "text/plain; charset=utf-8"}, PREFLIGHT) is not None
    assert csrf_refusal({"content-type": "multipart/form-data"}, PREFLIGHT) is not None
    assert csrf_refusal({"apollo-require-preflight": ""}, PREFLIGHT) is not None
    assert csrf_refusal({"content-type": "application/json"}, PREFLIGHT) is None
    assert csrf_refusal({"x-apollo-operation-name": "Me"}, PREFLIGHT) is None


def test_bearer_token_forms() -> None:
    assert bearer_token({}) is None
    assert bearer_token({"authorization": "Bearer abc"}) == "abc"
    assert bearer_token({"authorization": "bearer  abc "}) == "abc"
    assert bearer_token({"authorization": "Basic abc"}) == ""
    assert bearer_token({"authorization": "Bearer"}) == ""


def test_scopes_are_any_of_all_of() -> None:
    requirement = Requirement(authenticated=True, scopes=(frozenset({"a", "b"}), frozenset({"c"})))

    def who(scope: str) -> Claims:
        return Claims(values={"sub": "p1", "scope": scope})

    assert satisfies(requirement, who("a b"), deny)
    assert satisfies(requirement, who("c"), deny)
    assert not satisfies(requirement, who("a"), deny)
    assert not satisfies(requirement, ANONYMOUS, deny)
    both = requirement | Requirement(scopes=(frozenset({"d"}),))
    assert both.scopes == (frozenset({"a", "b", "d"}), frozenset({"c", "d"}))


def test_requirements_are_read_from_the_supergraph() -> None:
    rules = read_requirements(supergraph())
    assert rules[("Query", "me")] == Requirement(authenticated=True)
    assert rules[("Query", "person")].scopes == (frozenset({"people:read"}),)
    partner = (frozenset({"session"}), frozenset({"statuses:read"}))  # sign-in, or a partner
    assert rules[("Query", "whatsAppStatus")].scopes == partner
    assert ("Mutation", "signIn") not in rules


def test_filtering_keeps_aliases_and_inlines_fragments() -> None:
    graph = supergraph()
    allowed = Authorizer(AuthorizationConfig()).allowed(graph, ANONYMOUS)
    query = (
        "query Q { a: me { id } ...F } fragment F on Query { __typename b: person(id: 1) { id } }"
    )
    filtered = filter_operation(graph.api_schema, prepared(graph, query, "Q"), allowed)
    assert filtered.removed == (("a",), ("b",))
    assert filtered.prepared is not None
    assert filtered.prepared.fragments == {}
    printed = print_ast(filtered.prepared.document)
    assert printed == "query Q {\n  ... on Query {\n    __typename\n  }\n}"
    untouched = prepared(graph, "{ __typename }", None)
    kept = filter_operation(graph.api_schema, untouched, allowed)
    assert kept.prepared is untouched
    assert kept.removed == ()


def test_an_operation_left_empty_has_nothing_to_run() -> None:
    graph = supergraph()
    allowed = Authorizer(AuthorizationConfig()).allowed(graph, ANONYMOUS)
    filtered = filter_operation(graph.api_schema, prepared(graph, "{ me { id } }", None), allowed)
    assert filtered.prepared is None
    assert filtered.removed == (("me",),)


def test_guarded_fields_are_the_ones_with_requirements_the_operation_selects() -> None:
    graph = supergraph()
    authorizer = Authorizer(AuthorizationConfig())
    query = (
        "query Q { a: me { id } ...F } fragment F on Query { __typename b: person(id: 1) { id } }"
    )
    guarded = authorizer.guarded(graph, prepared(graph, query, "Q"))
    assert set(guarded) == {("Query", "me"), ("Query", "person")}
    assert authorizer.guarded(graph, prepared(graph, "{ __typename }", None)) == ()


def prepared(graph: Supergraph, query: str, name: str | None) -> PreparedOperation:
    found = prepare_operation(graph.api_schema, query, name)
    assert isinstance(found, PreparedOperation)
    return found


def test_removed_fields_become_null_under_lists() -> None:
    body = {"data": {"me": {"items": [{"x": 1}, {"x": 2}]}}}
    result = null_removed(body, (("me", "items", "secret"),))
    assert result["data"] == {"me": {"items": [{"x": 1, "secret": None}, {"x": 2, "secret": None}]}}
    assert result["errors"][0]["path"] == ["me", "items", "secret"]


def test_client_key_prefers_the_token_subject() -> None:
    claims = Claims(values={"sub": "p1"})
    assert client_key(claims, {"x-client-id": "app"}, "x-client-id", "1.2.3.4") == "sub:p1"
    assert client_key(ANONYMOUS, {"x-client-id": "app"}, "x-client-id", "1.2.3.4") == "client:app"
    assert client_key(ANONYMOUS, {}, "x-client-id", "1.2.3.4") == "peer:1.2.3.4"


async def test_memory_store_counts_and_expires() -> None:
    store = MemoryStore(size=2)
    assert [await store.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    await store.set("gone", "v", -1)
    assert await store.get("gone") is None
    await store.set("a", "1", 60)
    await store.set("b", "2", 60)
    assert await store.get("k") is None  # the oldest went when a third key arrived


async def test_memory_store_adds_once_deletes_and_counts_down() -> None:
    store = MemoryStore()
    assert await store.add("lock", "1", 60)
    assert not await store.add("lock", "2", 60)  # one winner, as Redis's SET NX
    assert await store.get("lock") == "1"
    await store.delete("lock")
    assert await store.add("lock", "3", 60)
    assert await store.incr("n", 60, 5) == 5
    assert await store.incr("n", 60, -1) == 4


async def test_apq_and_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"op-1": "{ __typename }"}))
    documents = PersistedDocuments(PersistedConfig(manifest=manifest), MemoryStore())
    ext = {"persistedQuery": {"version": 1, "sha256Hash": "op-1"}}
    assert await documents.resolve(None, ext) == "{ __typename }"
    query = "{ me { id } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    apq = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    missing = await documents.resolve(None, apq)
    assert isinstance(missing, DocumentProblem)
    assert missing.code == "PERSISTED_QUERY_NOT_FOUND"
    assert await documents.resolve(query, apq) == query
    assert await documents.resolve(None, apq) == query
    safelisted = PersistedDocuments(
        PersistedConfig(manifest=manifest, safelist=True), MemoryStore()
    )
    refused = await safelisted.resolve(query, apq)
    assert isinstance(refused, DocumentProblem)
    assert refused.code == "QUERY_NOT_IN_SAFELIST"
