"""The operation stage: parse, validate, pick the operation, coerce variables; errors as values."""

from __future__ import annotations

import time
from typing import Any

import pytest
from graphql import GraphQLSchema, build_schema

from gateway.operation import (
    DocumentLimits,
    OperationErrors,
    PreparedOperation,
    coerce_variables,
    prepare_operation,
)

SDL = """
enum Platform { WHATSAPP FACEBOOK }
input Filter { platform: Platform!, limit: Int = 10 }
type Account { id: ID!, platform: Platform! }
type Query { accounts(filter: Filter): [Account!]!, account(id: ID!): Account }
type Mutation { unlink(id: ID!): Boolean! }
"""


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(SDL)


def codes(result: object) -> list[str]:
    assert isinstance(result, OperationErrors)
    return [error["extensions"]["code"] for error in result.errors]


def test_valid_operation_is_prepared(schema: GraphQLSchema) -> None:
    result = prepare_operation(schema, "query Q { account(id: 1) { id } }", None)
    assert isinstance(result, PreparedOperation)
    assert (result.kind, result.name) == ("query", "Q")


def test_mutation_kind_and_fragments(schema: GraphQLSchema) -> None:
    doc = "mutation M { unlink(id: 1) } query Q { ...F } fragment F on Query { __typename }"
    result = prepare_operation(schema, doc, "Q")
    assert isinstance(result, PreparedOperation)
    assert result.kind == "query"
    assert list(result.fragments) == ["F"]
    mutation = prepare_operation(schema, doc, "M")
    assert isinstance(mutation, PreparedOperation)
    assert mutation.kind == "mutation"


def test_the_size_limit_counts_utf8_bytes(schema: GraphQLSchema) -> None:
    query = "{ __typename } # " + "é" * 10  # 17 + 20 bytes
    assert isinstance(
        prepare_operation(schema, query, None, DocumentLimits(max_bytes=37)), PreparedOperation
    )
    over = prepare_operation(schema, query, None, DocumentLimits(max_bytes=36))
    assert codes(over) == ["MAX_DOCUMENT_SIZE_EXCEEDED"]


def test_the_token_limit_is_exact_and_counts_comments_apart(schema: GraphQLSchema) -> None:
    at = "{ account(id: 1) { id } }"  # 11 tokens
    assert isinstance(
        prepare_operation(schema, at, None, DocumentLimits(max_tokens=11)), PreparedOperation
    )
    assert codes(prepare_operation(schema, at, None, DocumentLimits(max_tokens=10))) == [
        "MAX_TOKENS_EXCEEDED"
    ]
    commented = "#a\n#b\n#c\n" + at  # three comments: within 11, over 2
    assert isinstance(
        prepare_operation(schema, commented, None, DocumentLimits(max_tokens=11)), PreparedOperation
    )
    over = prepare_operation(
        schema, "#a\n#b\n#c\n{ __typename }", None, DocumentLimits(max_tokens=2)
    )
    assert codes(over) == ["MAX_TOKENS_EXCEEDED"]


def test_a_huge_comment_or_string_costs_a_few_milliseconds(schema: GraphQLSchema) -> None:
    """graphql-core reads them a character at a time in Python (about 0.3 s per 1.9 MB)."""
    big = "x" * 1_900_000
    documents = (
        "#" + big + "\n{ __typename }",
        '{ account(id: "' + big + '") { id } }',
        '{ account(id: """' + big + '""") { id } }',
        "{" + " " * 1_900_000 + "__typename }",
    )
    for query in documents:
        started = time.process_time()
        assert isinstance(
            prepare_operation(schema, query, None, DocumentLimits(max_tokens=100)),
            PreparedOperation,
        )
        assert time.process_time() - started < 0.15  # ~0.01 s here; graphql-core's lexer: 0.3 s


def test_parse_failure(schema: GraphQLSchema) -> None:
    result = prepare_operation(schema, "{ account(id: 1) { id }", None)
    assert codes(result) == ["GRAPHQL_PARSE_FAILED"]
    assert isinstance(result, OperationErrors)
    assert result.errors[0]["locations"]
    assert "data" not in result.errors[0]


def test_unknown_field_fails_validation(schema: GraphQLSchema) -> None:
    result = prepare_operation(schema, "{ account(id: 1) { nope } }", None)
    assert codes(result) == ["GRAPHQL_VALIDATION_FAILED"]
    assert isinstance(result, OperationErrors)
    assert "nope" in result.errors[0]["message"]


def test_every_validation_problem_is_reported(schema: GraphQLSchema) -> None:
    result = prepare_operation(schema, "{ account { nope } missing }", None)
    assert codes(result).count("GRAPHQL_VALIDATION_FAILED") >= 3


def test_operation_name_required(schema: GraphQLSchema) -> None:
    doc = "query A { __typename } query B { __typename }"
    assert codes(prepare_operation(schema, doc, None)) == ["OPERATION_NAME_REQUIRED"]


def test_operation_not_found(schema: GraphQLSchema) -> None:
    doc = "query A { __typename }"
    assert codes(prepare_operation(schema, doc, "Z")) == ["OPERATION_NOT_FOUND"]


def _prepared(schema: GraphQLSchema, query: str) -> PreparedOperation:
    result = prepare_operation(schema, query, None)
    assert isinstance(result, PreparedOperation)
    return result


FILTERED = "query ($f: Filter, $id: ID!) { account(id: $id) { id } accounts(filter: $f) { id } }"


def test_variables_are_coerced(schema: GraphQLSchema) -> None:
    prepared = _prepared(schema, FILTERED)
    raw: dict[str, Any] = {"id": 7, "f": {"platform": "FACEBOOK"}}
    coerced = coerce_variables(schema, prepared, raw)
    assert coerced == {"id": "7", "f": {"platform": "FACEBOOK", "limit": 10}}


@pytest.mark.parametrize(
    "raw",
    [
        {"f": {"platform": "FACEBOOK"}},
        {"id": "1", "f": {"platform": "MYSPACE"}},
        {"id": {"an": "object"}},
        {"id": "1", "f": {"limit": "ten", "platform": "FACEBOOK"}},
        ["not", "an", "object"],
    ],
)
def test_wrong_variables_are_bad_user_input(schema: GraphQLSchema, raw: object) -> None:
    prepared = _prepared(schema, FILTERED)
    result = coerce_variables(schema, prepared, raw)
    assert codes(result)
    assert set(codes(result)) == {"BAD_USER_INPUT"}


def test_missing_variables_default_to_empty(schema: GraphQLSchema) -> None:
    prepared = _prepared(schema, "query ($f: Filter) { accounts(filter: $f) { id } }")
    assert coerce_variables(schema, prepared, None) == {}
