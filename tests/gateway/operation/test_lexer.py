"""The fast lexer gives graphql-core's tokens and errors for every document, comment text aside."""

from __future__ import annotations

import random

import pytest
from graphql import GraphQLError, Source, TokenKind
from graphql.language.lexer import Lexer

from gateway.operation.lexer import FastLexer

SAMPLES = (
    "{ a }",
    "#c\n{ a }",
    '{ a(x: "he\\"llo\\u00e9\\u{1F600}") }',
    '{a(x:"""\n  hi\r\n  \\"""there\n""") b}',
    '{ a(x: "unterminated }',
    '{ a(x: "bad\\q") }',
    '"""x',
    "{ a }\r\n\r\n  # c\r  b",
    '{ a(x: "\ud83d\ude00") }',
    '{ a(x: "\ud83d") }',
    "# \ud83d\n{a}",
    ",,\ufeff{ a\t}",
    '{ a(x: """a\\\\"""b""") }',
    "query Q($v: Int = -1.5e3) { a(x: $v) @skip(if: true) ...F } fragment F on Q { b }",
)
PIECES = (
    "{", "}", '"', '"""', "\\", '\\"""', "\n", "\r", "\r\n", "#", " ", "a", "1", ".", "...",
    "\ud83d", "\ude00", "u", "\\u00e9", "$", ",", "é",
)  # fmt: skip


def tokens(lexer_type: type[Lexer], text: str) -> list[object]:
    """Every non-comment token with its position, or the error where lexing stopped."""
    lexer = lexer_type(Source(text))
    found: list[object] = []
    try:
        while True:
            token = lexer.advance()
            found.append(
                (token.kind, token.start, token.end, token.line, token.column, token.value)
            )
            if token.kind == TokenKind.EOF:
                return found
    except GraphQLError as error:
        found.append((error.message, error.locations))
        return found


def random_documents(count: int) -> list[str]:
    rng = random.Random(5)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 25))) for _ in range(count)]


@pytest.mark.parametrize("text", SAMPLES)
def test_tokens_and_errors_are_graphql_cores(text: str) -> None:
    assert tokens(FastLexer, text) == tokens(Lexer, text)


def test_random_documents_lex_as_graphql_core_lexes_them() -> None:
    for text in random_documents(2000):
        assert tokens(FastLexer, text) == tokens(Lexer, text), repr(text)


def test_a_comment_keeps_no_text() -> None:
    lexer = FastLexer(Source("# a long comment\n{ a }"))
    lexer.advance()
    comment = lexer.token.prev
    assert comment is not None
    assert comment.kind == TokenKind.COMMENT
    assert (comment.start, comment.end, comment.value) == (0, 16, "")
