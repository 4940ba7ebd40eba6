"""Operation limits, introspection, CSRF prevention and error masking through the real gateway.

One gateway runs in production mode (introspection off, CSRF prevention and masking on by
default) with small limits, so each limit is tried at its threshold and one step over it; one
gateway runs in dev mode with the defaults, to show the mode-dependent controls flip.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from devstack.processes import Service
from gateway.operation import DocumentLimits, OperationErrors, ParsedDocument, parse_operation
from tests.gateway.security.security_support import (
    Reply,
    Stack,
    call,
    gql,
    launch_gateway,
    sign_up,
)

pytestmark = pytest.mark.integration

MAX_DEPTH = 4
MAX_ALIASES = 3
MAX_ROOT_FIELDS = 3
MAX_TOKENS = 53
MAX_BODY = 1000


@pytest.fixture(scope="module")
def production(security_stack: Stack) -> Iterator[Service]:
    settings = {
        "GATEWAY_MODE": "production",
        "GATEWAY_LIMITS_MAX_DEPTH": str(MAX_DEPTH),
        "GATEWAY_LIMITS_MAX_ALIASES": str(MAX_ALIASES),
        "GATEWAY_LIMITS_MAX_ROOT_FIELDS": str(MAX_ROOT_FIELDS),
        "GATEWAY_LIMITS_MAX_TOKENS": str(MAX_TOKENS),
        "GATEWAY_LIMITS_MAX_BODY_BYTES": str(MAX_BODY),
    }
    service = launch_gateway(security_stack, "production", settings)
    yield service
    service.stop()


@pytest.fixture(scope="module")
def dev(security_stack: Stack) -> Iterator[Service]:
    service = launch_gateway(security_stack, "dev", {"GATEWAY_MODE": "dev"})
    yield service
    service.stop()


def nested(depth: int) -> str:
    """A selection `depth` fields deep along Person -> WhatsAppAccount -> WhatsAppStatus."""
    path = ["me", "whatsapp", "statuses", "account", "statuses", "account", "statuses"]
    opened = " { ".join(path[: depth - 1])
    return "{ " + opened + " { __typename" + " }" * depth


def limit_codes(reply: Reply) -> list[str | None]:
    return [c for c in reply.codes if c is not None and c.startswith("MAX_")]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (nested(MAX_DEPTH), None),
        (nested(MAX_DEPTH + 1), "MAX_DEPTH_EXCEEDED"),
        ("{ a: __typename b: __typename c: __typename }", None),
        ("{ a: __typename b: __typename c: __typename d: __typename }", "MAX_ALIASES_EXCEEDED"),
        (
            '{ __typename whatsAppStatus(id: "1") { id } facebookStory(id: "1") { id } }',
            None,
        ),
        (
            '{ __typename whatsAppStatus(id: "1") { id } facebookStory(id: "1") { id }'
            ' instagramStory(id: "1") { id } }',
            "MAX_ROOT_FIELDS_EXCEEDED",
        ),
        ("{" + " ... on Query {" * 10 + " __typename" + " }" * 10 + " }", None),
        (
            "{" + " ... on Query {" * 10 + " __typename __typename" + " }" * 10 + " }",
            "MAX_TOKENS_EXCEEDED",
        ),
    ],
)
def test_limit_at_and_over_threshold(production: Service, query: str, code: str | None) -> None:
    reply = gql(production, query)
    if code is None:
        assert reply.status == 200, reply.body
        assert limit_codes(reply) == [], reply.body
        assert "data" in reply.body
    else:
        assert reply.status == 200  # application/json: a request error is still a 200
        assert reply.codes == [code], reply.body
        assert "data" not in reply.body
        strict = gql(production, query, headers={"accept": "application/graphql-response+json"})
        assert strict.status == 400
        assert strict.codes == [code]


def test_token_thresholds_are_exact() -> None:
    """The two token-limit documents above sit exactly at the limit and one token over it."""
    at = "{" + " ... on Query {" * 10 + " __typename" + " }" * 10 + " }"
    over = "{" + " ... on Query {" * 10 + " __typename __typename" + " }" * 10 + " }"
    limits = DocumentLimits(max_tokens=MAX_TOKENS)
    assert isinstance(parse_operation(at, None, limits), ParsedDocument)
    refused = parse_operation(over, None, limits)
    assert isinstance(refused, OperationErrors)
    assert refused.errors[0]["extensions"]["code"] == "MAX_TOKENS_EXCEEDED"


def test_depth_counts_through_fragments(production: Service) -> None:
    query = (
        "query { me { ...A } } fragment A on Person { whatsapp { ...B } }"
        " fragment B on WhatsAppAccount { statuses { account { __typename } } }"
    )
    assert gql(production, query).codes == ["MAX_DEPTH_EXCEEDED"]


def post_sized(gateway: Service, size: int) -> Reply:
    body = {"query": "{ __typename }"}
    raw = json.dumps(body)
    padded = raw[:-1] + " " * (size - len(raw)) + "}"
    assert len(padded.encode()) == size
    headers = {"content-type": "application/json", "accept": "application/json"}
    return call(f"{gateway.url}/graphql", body=padded.encode(), headers=headers)


def test_body_size_at_and_over_limit(production: Service) -> None:
    at = post_sized(production, MAX_BODY)
    assert at.status == 200
    assert at.body == {"data": {"__typename": "Query"}}
    over = post_sized(production, MAX_BODY + 1)
    assert over.status == 413
    assert over.codes == ["PAYLOAD_TOO_LARGE"]


INTROSPECTION = "{ __schema { queryType { name } } }"


def test_introspection_off_in_production(production: Service) -> None:
    reply = gql(production, INTROSPECTION)
    assert reply.codes == ["INTROSPECTION_DISABLED"]
    hidden = (
        'query { ...F } fragment F on Query { ... on Query { t: __type(name: "Person") { name } } }'
    )
    assert gql(production, hidden).codes == ["INTROSPECTION_DISABLED"]
    assert gql(production, "{ __typename }").body == {"data": {"__typename": "Query"}}


def test_introspection_on_in_dev(dev: Service) -> None:
    reply = gql(dev, INTROSPECTION)
    assert reply.body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def get(gateway: Service, headers: dict[str, str]) -> Reply:
    query = urllib.parse.urlencode({"query": "{ __typename }"})
    sent = {"accept": "application/json", **headers}
    return call(f"{gateway.url}/graphql?{query}", "GET", headers=sent)


def test_csrf_refuses_simple_requests_in_production(production: Service) -> None:
    refused = get(production, {})
    assert refused.status == 400
    assert refused.codes == ["CSRF_PREVENTION"]
    for preflight in ("apollo-require-preflight", "x-apollo-operation-name"):
        allowed = get(production, {preflight: "1"})
        assert allowed.body == {"data": {"__typename": "Query"}}, preflight
    assert get(production, {"content-type": "application/json"}).status == 200
    form = call(
        f"{production.url}/graphql",
        body=b'{"query": "{ __typename }"}',
        headers={"content-type": "text/plain", "accept": "application/json"},
    )
    assert form.status == 400
    assert form.codes == ["CSRF_PREVENTION"]


def test_csrf_prevention_follows_the_mode(dev: Service) -> None:
    assert get(dev, {}).body == {"data": {"__typename": "Query"}}


def test_production_errors_keep_only_allowed_extensions(production: Service) -> None:
    reply = gql(production, "{ me { id } }")  # refused without a token
    assert reply.body["data"] == {"me": None}
    for error in reply.body["errors"]:
        assert set(error.get("extensions", {})) <= {"code", "serviceName"}
        assert set(error) <= {"message", "locations", "path", "extensions"}


def test_limits_do_not_reject_the_mission_query(dev: Service) -> None:
    """The defaults leave room for the one query the graph exists for."""
    query = """query Me { me { displayName linking { enabled linkedAccounts { platform linkedAt } }
      avatar { imageUrl } stickers(first: 3) { id label }
      whatsapp { phoneNumber statuses { id text sharedTo { platform
        story { ... on FacebookStory { id } ... on InstagramStory { id } } } } }
      facebook { name stories { id caption origin { platform } } }
      instagram { username stories { id origin { platform } } } } }"""
    token, _ = sign_up(dev, "Mission Person")
    reply = gql(dev, query, token=token)
    assert limit_codes(reply) == [], reply.body
    assert reply.body["data"]["me"]["displayName"] == "Mission Person"  # it ran, all of it


def fragment_bomb(levels: int) -> str:
    """Each fragment spreads the next one twice: 2**levels fields once expanded."""
    spreads = [f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)]
    last = f"fragment F{levels} on Query {{ __typename }}"
    return " ".join(["query { ...F0 }", *spreads, last])


def test_fragment_bombs_are_measured_in_linear_time() -> None:
    started = time.monotonic()
    parsed = parse_operation(fragment_bomb(60), None, DocumentLimits())
    assert time.monotonic() - started < 1.0
    assert isinstance(parsed, ParsedDocument)
    assert parsed.facts is not None
    assert parsed.facts.expanded_fields == 2**60
    assert parsed.facts.root_fields == 2**60


def test_fragment_bomb_is_refused(dev: Service) -> None:
    reply = gql(dev, fragment_bomb(20))
    assert reply.codes == ["MAX_FIELDS_EXCEEDED"]
    small = gql(dev, fragment_bomb(1))  # two __typename fields: fine
    assert small.body == {"data": {"__typename": "Query"}}
