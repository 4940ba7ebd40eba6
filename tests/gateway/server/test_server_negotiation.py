"""Choosing the response media type from `Accept`, as the GraphQL-over-HTTP spec describes."""

from __future__ import annotations

import pytest

from gateway.server.negotiation import GRAPHQL_RESPONSE_JSON, JSON, negotiate

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/graphql-response+json, */*", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json;q=0.5, application/*", JSON),
        ("application/json", JSON),
        ("application/json; charset=utf-8", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        ("application/json, application/graphql-response+json;q=0.9", JSON),
        ("application/graphql-response+json;q=0, application/json", JSON),
        ("application/json;q=0.5, */*;q=0.1", JSON),
        ("application/xml", None),
        ("text/html", None),
        ("application/json;q=0", None),
        ("application/json;q=oops", None),
    ],
)
def test_media_type(accept: str | None, media_type: str | None) -> None:
    assert negotiate(accept).media_type == media_type


@pytest.mark.parametrize(
    ("accept", "wants_html"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("*/*", False),
        ("application/json", False),
        ("application/json, text/html;q=0.5", False),
        (None, False),
    ],
)
def test_html_only_when_named(accept: str | None, wants_html: bool) -> None:
    assert negotiate(accept).wants_html is wants_html
