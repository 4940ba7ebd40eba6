"""Minifying subgraph operations: graphql-core's output, in time that grows with tokens."""

from __future__ import annotations

import time

import pytest
from graphql import GraphQLError
from graphql.utilities import strip_ignored_characters as graphql_core_strip

from gateway.operation.minify import strip_ignored_characters

DOCUMENTS = (
    "query Q($a: [Int!]! = [1, 2]) { a(x: $a) { ...F @skip(if: true) } }\nfragment F on T { b }",
    '{ a(x: """\n   indented\n     block \\""" string\n""", y: "esc\\"aped\\u00e9") }',
    "# comment\n{ a ,, b\t c\r\n ... on T { d } }",
    "{ a(x: 1.5e3, y: -0, z: true, w: null, v: ENUM) { _entities { __typename } } }",
)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_output_is_graphql_cores(document: str) -> None:
    assert strip_ignored_characters(document) == graphql_core_strip(document)


def test_an_unreadable_document_raises_as_graphql_cores_does() -> None:
    with pytest.raises(GraphQLError):
        strip_ignored_characters('{ a(x: "unterminated) }')


@pytest.mark.parametrize(
    "value",
    ['"' + "x" * 1_900_000 + '"', '"' + "\\n" * 200_000 + '"', '"""' + "x" * 1_900_000 + '"""'],
)
def test_a_huge_string_argument_costs_milliseconds(value: str) -> None:
    """graphql-core's took 0.85 s for the first, most of planning such an operation."""
    operation = f"query Q {{ a(x: {value}) {{ id }} }}"
    started = time.process_time()
    stripped = strip_ignored_characters(operation)
    assert time.process_time() - started < 0.2  # ~0.01-0.05 s here
    assert stripped.startswith("query Q{a(x:")
