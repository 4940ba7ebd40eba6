"""The value parsers: what each accepts from YAML and from the environment, and what it expects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.config import parsers
from gateway.config.parsers import Invalid


@pytest.mark.parametrize(
    ("parse", "raw", "value"),
    [
        (parsers.integer(1, 10), 3, 3),
        (parsers.integer(1, 10), " 10 ", 10),
        (parsers.seconds, "0.5", 0.5),
        (parsers.seconds, 2, 2.0),
        (parsers.optional_seconds, None, None),
        (parsers.boolean, "Yes", True),
        (parsers.boolean, "off", False),
        (parsers.boolean, False, False),
        (parsers.text, "  padded ", "padded"),
        (parsers.lower_text, "X-Plan", "x-plan"),
        (parsers.optional_text, "", None),
        (parsers.names, "a, b,,c ", ("a", "b", "c")),
        (parsers.names, ["a", "b"], ("a", "b")),
        (parsers.names, "", ()),
        (parsers.optional_names, None, None),
        (parsers.optional_names, "", ()),
        (parsers.lower_names, "Authorization,X-Id", ("authorization", "x-id")),
        (parsers.choice("info", "debug"), " DEBUG", "debug"),
        (parsers.mode, "Production", "production"),
        (parsers.path, "a/b", Path("a/b")),
        (parsers.optional_path, "", None),
        (parsers.url_path, "/api/graphql", "/api/graphql"),
        (parsers.http_url, " https://x.example/graphql ", "https://x.example/graphql"),
        (parsers.http_url, None, None),
    ],
)
def test_accepted_values(parse: Callable[[object], object], raw: object, value: object) -> None:
    assert parse(raw) == value


@pytest.mark.parametrize(
    ("parse", "raw", "expected"),
    [
        (parsers.integer(1, 10), 11, "an integer from 1 to 10"),
        (parsers.integer(1, 10), True, "an integer from 1 to 10"),
        (parsers.integer(1, 10), "1.5", "an integer from 1 to 10"),
        (parsers.seconds, 0, "a number of seconds greater than 0"),
        (parsers.seconds, "soon", "a number of seconds greater than 0"),
        (parsers.seconds, True, "a number of seconds greater than 0"),
        (parsers.seconds, 86_400, "a number of seconds greater than 0"),
        (parsers.boolean, "maybe", "true or false"),
        (parsers.text, "  ", "a non-empty string"),
        (parsers.text, 5, "a non-empty string"),
        (parsers.names, 12, "a list of strings (or one comma-separated string)"),
        (parsers.names, ["a", 1], "a list of strings (or one comma-separated string)"),
        (parsers.choice("info", "debug"), "loud", "one of info, debug"),
        (parsers.mode, "staging", "one of dev, production"),
        (parsers.path, "", "a non-empty string"),
        (parsers.url_path, "graphql", "a path starting with '/'"),
        (parsers.url_path, "/graphql/", "a path starting with '/'"),
        (parsers.http_url, "ftp://x", "an http:// or https:// URL"),
        (parsers.http_url, "accounts:4001", "an http:// or https:// URL"),
    ],
)
def test_refused_values_say_what_was_expected(
    parse: Callable[[object], object], raw: object, expected: str
) -> None:
    with pytest.raises(Invalid) as caught:
        parse(raw)
    assert str(caught.value).startswith(expected)
