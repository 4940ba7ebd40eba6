"""Operation limits, measured on the document before anything is planned or sent.

Tokens are counted with graphql-core's lexer before parsing, so a huge document costs a scan
and never a parse tree. Depth, aliases and root fields are measured on the operation that will
run, through fragment spreads (each fragment once per path, so cycles cannot loop; validation
refuses cyclic fragments later anyway). Each limit has its own error code, as in Apollo Router.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    TokenKind,
)
from graphql.language.lexer import Lexer

from gateway.security.settings import OperationLimits

__all__ = [
    "MAX_ALIASES_EXCEEDED",
    "MAX_DEPTH_EXCEEDED",
    "MAX_ROOT_FIELDS_EXCEEDED",
    "MAX_TOKENS_EXCEEDED",
    "LimitExceeded",
    "OperationShape",
    "check_shape",
    "check_tokens",
    "count_tokens",
    "measure",
    "select_operation",
]

MAX_DEPTH_EXCEEDED = "MAX_DEPTH_EXCEEDED"
MAX_ALIASES_EXCEEDED = "MAX_ALIASES_EXCEEDED"
MAX_ROOT_FIELDS_EXCEEDED = "MAX_ROOT_FIELDS_EXCEEDED"
MAX_TOKENS_EXCEEDED = "MAX_TOKENS_EXCEEDED"


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitExceeded:
    """One limit the operation is over: its code and a message naming the numbers."""

    code: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationShape:
    """What the limits measure on one operation."""

    depth: int
    aliases: int
    root_fields: int


def count_tokens(query: str, stop_after: int) -> int:
    """Lexical tokens in `query`, counting no further than `stop_after + 1`.

    Raises GraphQLError on a lexical error (the caller lets validation report it).
    """
    lexer = Lexer(Source(query))
    count = 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
        if count > stop_after:
            break
    return count


def select_operation(
    document: DocumentNode, operation_name: str | None
) -> OperationDefinitionNode | None:
    """The operation that will run, or None when the name does not pick exactly one."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        return operations[0] if len(operations) == 1 else None
    named = [o for o in operations if o.name is not None and o.name.value == operation_name]
    return named[0] if len(named) == 1 else None


def measure(document: DocumentNode, operation: OperationDefinitionNode) -> OperationShape:
    """Depth (root fields are depth 1), aliases and root fields of `operation`."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walker = _Walker(fragments)
    depth = walker.depth(operation.selection_set, frozenset())
    roots = len(list(_fields(operation.selection_set, fragments, frozenset())))
    return OperationShape(depth=depth, aliases=walker.aliases, root_fields=roots)


class _Walker:
    """Walks selections once, counting aliases on the way."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.aliases = 0

    def depth(self, selection_set: SelectionSetNode, seen: frozenset[str]) -> int:
        deepest = 0
        for field in _fields(selection_set, self.fragments, seen):
            if field.alias is not None:
                self.aliases += 1
            below = 0
            if field.selection_set is not None:
                below = self.depth(field.selection_set, seen)
            deepest = max(deepest, 1 + below)
        return deepest


def _fields(
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: frozenset[str],
) -> list[FieldNode]:
    """The fields of a selection set, with fragments spread in (each fragment once per path)."""
    found: list[FieldNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_fields(selection.selection_set, fragments, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                found.extend(_fields(fragment.selection_set, fragments, seen | {name}))
    return found


def check_shape(shape: OperationShape, limits: OperationLimits) -> LimitExceeded | None:
    """The first limit `shape` is over, or None."""
    checks = (
        (shape.depth, limits.max_depth, MAX_DEPTH_EXCEEDED, "depth"),
        (shape.aliases, limits.max_aliases, MAX_ALIASES_EXCEEDED, "aliases"),
        (shape.root_fields, limits.max_root_fields, MAX_ROOT_FIELDS_EXCEEDED, "root fields"),
    )
    for value, limit, code, what in checks:
        if limit and value > limit:
            message = f"The operation has {value} {what}; the limit is {limit}."
            return LimitExceeded(code=code, message=message)
    return None


def check_tokens(query: str, max_tokens: int) -> LimitExceeded | None:
    """MAX_TOKENS_EXCEEDED when `query` has more than `max_tokens` tokens (0: no limit)."""
    if not max_tokens:
        return None
    try:
        count = count_tokens(query, max_tokens)
    except GraphQLError:
        return None  # a lexical error: validation reports it with its location
    if count > max_tokens:
        message = f"The document has more than {max_tokens} tokens, the limit."
        return LimitExceeded(code=MAX_TOKENS_EXCEEDED, message=message)
    return None
