"""What the server tells subgraphs about the client, and how it answers a subgraph's limit."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from gateway.config import ConfigError, load_config
from gateway.server.negotiation import GRAPHQL_RESPONSE_JSON, JSON
from gateway.server.responses import error_body, rate_limit_wait
from gateway.server.state import forwarded_header_names, with_client_address


def test_the_client_address_replaces_whatever_the_client_sent() -> None:
    sent = Headers(
        raw=[
            (b"x-forwarded-for", b"10.0.0.1"),
            (b"X-Forwarded-For", b"10.0.0.2"),
            (b"authorization", b"Bearer a"),
            (b"authorization", b"Bearer b"),
        ]
    )
    headers = with_client_address(sent, "203.0.113.5")
    assert headers["x-forwarded-for"] == "203.0.113.5"
    assert headers["authorization"] == "Bearer a"  # the first, as forwarding reads it
    assert "x-forwarded-for" not in with_client_address(sent, None)  # never the client's


def test_the_address_is_forwarded_only_when_configured() -> None:
    plain = load_config(environ={"GATEWAY_FORWARD_HEADERS": "authorization"})
    assert forwarded_header_names(plain) == ("authorization",)
    on = load_config(
        environ={"GATEWAY_FORWARD_HEADERS": "authorization", "GATEWAY_FORWARD_CLIENT_ADDRESS": "1"}
    )
    assert forwarded_header_names(on) == ("authorization", "x-forwarded-for")


def test_a_response_of_nothing_but_rate_limits_is_a_429_with_the_longest_wait() -> None:
    def limited(wait: object) -> dict[str, object]:
        error: dict[str, object] = error_body("slow down", "RATE_LIMITED", {"retryAfter": wait})[
            "errors"
        ][0]
        return error

    body = {"data": None, "errors": [limited(3), limited(20)]}
    assert rate_limit_wait(body, GRAPHQL_RESPONSE_JSON) == 20
    partial = {"data": {"signIn": None}, "errors": [limited(3)]}
    assert rate_limit_wait(partial, JSON) == 3
    assert rate_limit_wait(partial, GRAPHQL_RESPONSE_JSON) is None  # data not null: 2xx
    mixed = {"data": None, "errors": [limited(3), error_body("no", "UNAUTHENTICATED")["errors"][0]]}
    assert rate_limit_wait(mixed, JSON) is None
    assert rate_limit_wait({"data": None, "errors": [limited("soon")]}, JSON) == 1


def test_limited_fields_are_schema_coordinates() -> None:
    config = load_config(environ={"GATEWAY_RATE_LIMIT_FIELDS": "Mutation.signIn, Mutation.signUp"})
    assert config.rate_limit.fields == ("Mutation.signIn", "Mutation.signUp")
    with pytest.raises(ConfigError, match=r"Type\.field"):
        load_config(environ={"GATEWAY_RATE_LIMIT_FIELDS": "signIn"})
