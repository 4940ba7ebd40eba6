"""Operation limits, measured on the document before anything is planned or sent.

Tokens are counted with graphql-core's lexer before parsing, so a huge document costs a scan
and never a parse tree. Depth, aliases, root fields and the number of fields once fragments are
spread are measured on the operation that will run, each fragment measured once (so neither
cycles nor fragments spread inside fragments can make the walk long). Each limit has its own
error code, as in Apollo Router.
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
    "MAX_EXPANDED_FIELDS",
    "MAX_FIELDS_EXCEEDED",
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
MAX_FIELDS_EXCEEDED = "MAX_FIELDS_EXCEEDED"
MAX_EXPANDED_FIELDS = 50_000
"""Fields once fragments are spread: beyond this a small document is a "fragment bomb"."""


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
    expanded_fields: int


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
    """Depth (root fields are depth 1), aliases, root fields and fields once fragments expand."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walker = _Walker(fragments)
    found = walker.measure(operation.selection_set, frozenset())
    return OperationShape(
        depth=found.depth,
        aliases=found.aliases,
        root_fields=found.fields_here,
        expanded_fields=found.fields_total,
    )


@dataclass(frozen=True, slots=True)
class _Measured:
    depth: int
    aliases: int
    fields_here: int
    fields_total: int


class _Walker:
    """Measures selections, each fragment once: a document that spreads fragments inside
    fragments ("fragment bombs") costs linear work here, however large its expansion."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.memo: dict[str, _Measured] = {}

    def measure(self, selection_set: SelectionSetNode, seen: frozenset[str]) -> _Measured:
        depth = aliases = here = total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                below = _Measured(0, 0, 0, 0)
                if selection.selection_set is not None:
                    below = self.measure(selection.selection_set, seen)
                depth = max(depth, 1 + below.depth)
                aliases += below.aliases + (selection.alias is not None)
                here += 1
                total += 1 + below.fields_total
                continue
            inner = self._fragment(selection, seen)
            depth = max(depth, inner.depth)
            aliases += inner.aliases
            here += inner.fields_here
            total += inner.fields_total
        return _Measured(depth, aliases, here, total)

    def _fragment(self, selection: object, seen: frozenset[str]) -> _Measured:
        if isinstance(selection, InlineFragmentNode):
            return self.measure(selection.selection_set, seen)
        if not isinstance(selection, FragmentSpreadNode):
            return _Measured(0, 0, 0, 0)
        name = selection.name.value
        fragment = self.fragments.get(name)
        if fragment is None or name in seen:
            return _Measured(0, 0, 0, 0)  # unknown or cyclic: validation refuses it
        if name not in self.memo:
            self.memo[name] = self.measure(fragment.selection_set, seen | {name})
        return self.memo[name]


def check_shape(shape: OperationShape, limits: OperationLimits) -> LimitExceeded | None:
    """The first limit `shape` is over, or None."""
    checks = (
        (shape.expanded_fields, MAX_EXPANDED_FIELDS, MAX_FIELDS_EXCEEDED, "fields once expanded"),
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
