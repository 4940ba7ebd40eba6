"""A GraphQL lexer whose cost grows with tokens, not with the length of one token.

graphql-core's lexer reads comments, strings and ignored characters one character at a time
in Python: a document of a few tokens with a 1.9 MB comment or string literal took 0.3 s to lex
(and the gateway lexed it several times). This lexer skips the same runs with one regular
expression each, so the C regex engine walks the long run and Python runs once per token. It
accepts exactly the documents graphql-core accepts and gives the same tokens, with one
difference: a comment token keeps no text (nothing reads it, and a cached document would
otherwise hold a copy of every comment).
"""

from __future__ import annotations

import json
import re

from graphql import GraphQLSyntaxError, Source, Token, TokenKind
from graphql.language.block_string import dedent_block_string_lines
from graphql.language.lexer import EscapeSequence, Lexer

__all__ = ["FastLexer", "unlink_tokens"]

_IGNORED = re.compile(r"[ \t,\ufeff\r\n]*")
_COMMENT_RUN = re.compile(r"[^\r\n\ud800-\udfff]*")
_STRING_RUN = re.compile(r'[^"\\\r\n\ud800-\udfff]*(?:\\["\\/bfnrt][^"\\\r\n\ud800-\udfff]*)*')
"""Plain characters and the one-character escapes, which are JSON's: the C JSON decoder reads
them (`_decode`), so a string of 200,000 escaped newlines is not 200,000 Python steps."""
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _decode(run: str) -> str:
    """A run of `_STRING_RUN` with its escapes resolved (control characters stay as they are)."""
    decoded: str = json.loads(f'"{run}"', strict=False)
    return decoded


def _surrogate_pair_at(body: str, position: int) -> bool:
    return (
        "\ud800" <= body[position : position + 1] <= "\udbff"
        and "\udc00" <= body[position + 1 : position + 2] <= "\udfff"
    )


class FastLexer(Lexer):
    """graphql-core's `Lexer` with the long runs read by regular expressions."""

    def __init__(self, source: Source) -> None:
        super().__init__(source)

    def read_next_token(self, start: int) -> Token:
        body = self.source.body
        end = _IGNORED.match(body, start).end()  # type: ignore[union-attr]  # `*` always matches
        if end > start:
            skipped = body[start:end]
            breaks = skipped.count("\n") + skipped.count("\r") - skipped.count("\r\n")
            if breaks:
                self.line += breaks
                self.line_start = start + max(skipped.rfind("\n"), skipped.rfind("\r")) + 1
        return super().read_next_token(end)

    def read_comment(self, start: int) -> Token:
        self._count_comment(start)
        body = self.source.body
        position = start + 1
        while True:
            position = _COMMENT_RUN.match(body, position).end()  # type: ignore[union-attr]
            if not _surrogate_pair_at(body, position):
                break
            position += 2
        return self.create_token(TokenKind.COMMENT, start, position, "")

    def _count_comment(self, start: int) -> None:
        limit = self._max_comments
        if limit is None:
            return
        self._comment_count += 1
        if self._comment_count > limit:
            message = f"Document contains more than {limit} comments. Parsing aborted."
            raise GraphQLSyntaxError(self.source, start, message)

    def read_string(self, start: int) -> Token:
        body = self.source.body
        position = start + 1
        value: list[str] = []
        while True:
            end = _STRING_RUN.match(body, position).end()  # type: ignore[union-attr]
            if end > position:
                run = body[position:end]
                value.append(_decode(run) if "\\" in run else run)
                position = end
            char = body[position : position + 1]
            if char == '"':
                return self.create_token(TokenKind.STRING, start, position + 1, "".join(value))
            if char == "\\":  # a Unicode escape, or an invalid one
                escape = self._escape(position)
                value.append(escape.value)
                position += escape.size
            elif _surrogate_pair_at(body, position):
                value.append(body[position : position + 2])
                position += 2
            elif char in ("", "\r", "\n"):
                raise GraphQLSyntaxError(self.source, position, "Unterminated string.")
            else:
                where = self.print_code_point_at(position)
                message = f"Invalid character within String: {where}."
                raise GraphQLSyntaxError(self.source, position, message)

    def _escape(self, position: int) -> EscapeSequence:
        body = self.source.body
        if body[position + 1 : position + 2] != "u":
            return self.read_escaped_character(position)
        if body[position + 2 : position + 3] == "{":
            return self.read_escaped_unicode_variable_width(position)
        return self.read_escaped_unicode_fixed_width(position)

    def read_block_string(self, start: int) -> Token:
        body = self.source.body
        end = self._block_string_end(start + 3)
        raw = body[start + 3 : end].replace('\\"""', '"""')
        lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        token = self.create_token(
            TokenKind.BLOCK_STRING, start, end + 3, "\n".join(dedent_block_string_lines(lines))
        )
        if len(lines) > 1:  # the next token's line and column count from the string's end
            inside = body[start:end]
            self.line += len(lines) - 1
            self.line_start = start + max(inside.rfind("\n"), inside.rfind("\r")) + 1
        return token

    def _block_string_end(self, position: int) -> int:
        """Where the closing triple quote starts (a backslash before one escapes it)."""
        body = self.source.body
        end = body.find('"""', position)
        while end > 0 and body[end - 1] == "\\":
            end = body.find('"""', end + 3)
        stop = len(body) if end < 0 else end
        for surrogate in _SURROGATE.finditer(body, position, stop):
            at = surrogate.start()
            if not _surrogate_pair_at(body, at) and not _surrogate_pair_at(body, at - 1):
                where = self.print_code_point_at(at)
                message = f"Invalid character within String: {where}."
                raise GraphQLSyntaxError(self.source, at, message)
        if end < 0:
            raise GraphQLSyntaxError(self.source, len(body), "Unterminated string.")
        return end


def unlink_tokens(last: Token) -> None:
    """Break the lexer's doubly linked token list, which nothing reads after parsing.

    Its links are reference cycles, so a dropped document's tokens (and the string values they
    hold) would wait for the cyclic garbage collector, which counts objects, not bytes: the
    server raises its threshold (`performance.gc_threshold`), and a few-token document with a
    1.9 MB string makes few objects, so each one stayed in memory. Unlinked, they go with the
    document (or the lexer). Each node's location keeps its own first and last token.
    """
    first: Token | None = last
    while first is not None and first.prev is not None:
        first = first.prev
    token = first
    while token is not None:
        following = token.next
        token.prev = token.next = None
        token = following
