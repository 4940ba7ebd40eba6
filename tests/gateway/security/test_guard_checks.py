"""The guard's checks on the gateway's parsed, cached operation: it never parses, and what it
derives from a document (the guarded fields, authorization's filtered copies) lives in that
document's cache entry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from graphql import GraphQLSchema

from gateway.config.security import (
    AuthConfig,
    LimitsConfig,
    RateLimitConfig,
    SecurityConfig,
)
from gateway.documents import Document, Runnable
from gateway.operation import OperationErrors, PreparedOperation
from gateway.runtime import Gateway, GraphQLRequest
from gateway.security import guard as guard_module
from gateway.security.authentication import ANONYMOUS, Claims
from gateway.security.authorization import Authorized, Filtered, filter_operation
from gateway.security.guard import Refusal, SecurityGuard
from gateway.security.introspection import INTROSPECTION_DISABLED
from gateway.security.limits import MAX_DEPTH_EXCEEDED
from gateway.security.ratelimit import RATE_LIMITED
from gateway.supergraph import Supergraph, load_supergraph
from gateway.transports import InProcessTransport

ROOT = Path(__file__).resolve().parents[3]
DEEP = "query Deep { me { whatsapp { statuses { id } } } } query Flat { __typename }"
UNREACHABLE_JWKS = "http://127.0.0.1:9/jwks.json"  # never fetched: no request has a token


def make_gateway() -> Gateway:
    loaded = load_supergraph((ROOT / "schema" / "supergraph.graphql").read_text())
    assert isinstance(loaded, Supergraph)
    return Gateway(loaded, InProcessTransport({}))


def make_guard(
    *,
    max_depth: int = 3,
    introspection: bool = True,
    rate: RateLimitConfig | None = None,
    auth: AuthConfig | None = None,
) -> SecurityGuard:
    return SecurityGuard(
        auth or AuthConfig(),
        LimitsConfig(max_depth=max_depth),
        SecurityConfig(introspection=introspection),
        rate_limit=rate,
    )


def test_limits_are_read_from_the_documents_facts() -> None:
    gateway = make_gateway()
    deep = make_guard().check_operation(gateway.document(DEEP, "Deep"))
    assert isinstance(deep, Refusal)
    assert deep.code == MAX_DEPTH_EXCEEDED
    assert make_guard().check_operation(gateway.document(DEEP, "Flat")) is None
    assert make_guard(max_depth=10).check_operation(gateway.document(DEEP, "Deep")) is None


def test_introspection_is_found_through_fragments() -> None:
    gateway = make_gateway()
    query = (
        '{ ...F } fragment F on Query { me { ... on Person { __type(name: "Person") { name } } } }'
    )
    refused = make_guard(introspection=False).check_operation(gateway.document(query, None))
    assert isinstance(refused, Refusal)
    assert refused.code == INTROSPECTION_DISABLED
    assert make_guard(introspection=True).check_operation(gateway.document(query, None)) is None


def test_an_unreadable_document_is_left_to_the_operation_stage() -> None:
    gateway = make_gateway()
    document = gateway.document("{ me {", None)
    assert isinstance(document.parsed, OperationErrors)
    assert make_guard(max_depth=1).check_operation(document) is None


async def test_the_rate_limit_still_runs_on_every_request() -> None:
    guard = make_guard(rate=RateLimitConfig(requests=2, window=60))
    assert isinstance(await guard.admit({}, peer="1.2.3.4"), Claims)
    assert isinstance(await guard.admit({}, peer="1.2.3.4"), Claims)
    limited = await guard.admit({}, peer="1.2.3.4")
    assert isinstance(limited, Refusal)
    assert limited.code == RATE_LIMITED


@pytest.fixture
def filters(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every operation the guard filters for a caller."""
    seen: list[object] = []
    real = filter_operation

    def counting(
        schema: GraphQLSchema, prepared: PreparedOperation, allowed: Callable[[str, str], bool]
    ) -> Filtered:
        seen.append(prepared)
        return real(schema, prepared, allowed)

    monkeypatch.setattr(guard_module, "filter_operation", counting)
    return seen


def validated(gateway: Gateway, query: str) -> tuple[Document, Runnable]:
    for _ in range(2):  # kept from the second sighting
        document = gateway.document(query, None)
    operation = gateway.validated(document)
    assert isinstance(operation, Runnable)
    return document, operation


async def test_authorization_filters_once_per_set_of_denied_fields(filters: list[object]) -> None:
    gateway = make_gateway()
    guard = make_guard(auth=AuthConfig(jwks_url=UNREACHABLE_JWKS))
    document, operation = validated(gateway, "{ a: me { id } __typename }")
    assert gateway.document("{ a: me { id } __typename }", None) is document
    answers = []
    for _ in range(3):
        answer = guard.authorize(
            gateway.supergraph,
            gateway.documents,
            document,
            operation,
            ANONYMOUS,
        )
        assert isinstance(answer, Authorized)
        answers.append(answer)
    assert [a.removed for a in answers] == [(("a",),)] * 3
    copy = answers[0].operation
    assert copy is not None
    assert copy is not operation
    assert all(a.operation is copy for a in answers)  # one filtered AST, planned once
    assert len(filters) == 1
    signed_in = Claims(values={"sub": "person-1"})
    allowed = guard.authorize(
        gateway.supergraph,
        gateway.documents,
        document,
        operation,
        signed_in,
    )
    assert allowed is None  # nothing denied: the client's own operation runs as it is
    assert len(filters) == 1


async def test_the_filtered_ast_runs_as_it_is_without_a_second_validation() -> None:
    """Before, the filtered document was printed and parsed and validated again, which refused
    `$id` once the only field using it was removed ("Variable "$id" is never used")."""
    gateway = make_gateway()
    guard = make_guard(auth=AuthConfig(jwks_url=UNREACHABLE_JWKS))
    query = "query Q($id: ID!) { person(id: $id) { id } __typename }"
    document, operation = validated(gateway, query)
    authorized = guard.authorize(
        gateway.supergraph, gateway.documents, document, operation, ANONYMOUS, {"id": "p1"}
    )
    assert isinstance(authorized, Authorized)
    assert authorized.removed == (("person",),)
    assert authorized.operation is not None
    request = GraphQLRequest(query=query, variables={"id": "p1"})
    result = await gateway.execute(request, {}, operation=authorized.operation)
    assert result.body == {"data": {"__typename": "Query"}}
    body = guard.finish(result.body, authorized.removed)
    assert body["data"] == {"__typename": "Query", "person": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHORIZED_FIELD_OR_TYPE"]


async def test_a_token_the_key_server_cannot_check_is_503_not_401() -> None:
    """accounts down: clients retry (Retry-After) instead of signing their person out."""
    guard = make_guard(auth=AuthConfig(jwks_url=UNREACHABLE_JWKS))
    token = "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJwIn0.c2ln"  # kid k1, not checkable
    refusal = await guard.admit({"authorization": f"Bearer {token}"})
    assert isinstance(refusal, Refusal)
    assert (refusal.status, refusal.code) == (503, "SERVICE_UNAVAILABLE")
    assert refusal.headers == {"retry-after": "5"}
    assert await guard.admit({}) == ANONYMOUS  # no token: nothing to check, nothing fetched


SIGN_IN_FIELDS = RateLimitConfig(
    fields=("Mutation.signIn", "Mutation.signUp"), field_requests=4, window=60
)
GUESSES = """mutation Guess {
  a: signIn(email: "a@example.com", password: "1") { token }
  ... on Mutation { b: signIn(email: "a@example.com", password: "2") { token } }
  ...More
}
fragment More on Mutation { c: signIn(email: "a@example.com", password: "3") { token } }"""


async def test_limited_root_fields_count_every_selection_per_address() -> None:
    gateway = make_gateway()
    guard = make_guard(rate=SIGN_IN_FIELDS)
    _, guesses = validated(gateway, GUESSES)
    _, other = validated(gateway, "{ __typename }")
    assert await guard.limit_fields(gateway.supergraph, guesses, "1.2.3.4") is None  # 3 of 4
    for _ in range(3):  # operations without a limited field cost nothing
        assert await guard.limit_fields(gateway.supergraph, other, "1.2.3.4") is None
    refused = await guard.limit_fields(gateway.supergraph, guesses, "1.2.3.4")  # 6 of 4
    assert isinstance(refused, Refusal)
    assert (refused.status, refused.code) == (429, RATE_LIMITED)
    assert refused.headers is not None
    assert refused.extensions == {"retryAfter": int(refused.headers["retry-after"])}
    assert await guard.limit_fields(gateway.supergraph, guesses, "5.6.7.8") is None


async def test_no_field_limit_unless_configured() -> None:
    gateway = make_gateway()
    _, guesses = validated(gateway, GUESSES)
    guard = make_guard(rate=RateLimitConfig(fields=SIGN_IN_FIELDS.fields))  # 0 requests: off
    for _ in range(5):
        assert await guard.limit_fields(gateway.supergraph, guesses, "1.2.3.4") is None
