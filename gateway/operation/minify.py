"""graphql-core's `strip_ignored_characters` on the fast lexer: subgraph operations minified
in time that grows with tokens (a client's 1.9 MB string argument took 0.85 s with the
character-at-a-time lexer, most of a plan's cost)."""

from __future__ import annotations

from graphql import Source, TokenKind
from graphql.language.block_string import print_block_string
from graphql.language.lexer import is_punctuator_token_kind

from gateway.operation.lexer import FastLexer, unlink_tokens

__all__ = ["strip_ignored_characters"]


def strip_ignored_characters(text: str) -> str:
    """`text` without ignored characters (whitespace, commas, comments), as graphql-core does."""
    lexer = FastLexer(Source(text))
    parts: list[str] = []
    after_word = False
    while lexer.advance().kind != TokenKind.EOF:
        token = lexer.token
        is_word = not is_punctuator_token_kind(token.kind)
        # Two words need a space between them, and so does a word before `...` (`1...`).
        if after_word and (is_word or token.kind == TokenKind.SPREAD):
            parts.append(" ")
        if token.kind == TokenKind.BLOCK_STRING:
            parts.append(print_block_string(token.value or "", minimize=True))
        else:
            parts.append(text[token.start : token.end])
        after_word = is_word
    unlink_tokens(lexer.token)
    return "".join(parts)
