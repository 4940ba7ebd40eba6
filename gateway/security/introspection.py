"""Turning introspection off (production's default): `__schema` and `__type` are refused.

`__typename` stays allowed, since clients need it to read unions and interfaces. The check runs
on the operation's fields at every depth, through fragments, so nesting `__type` under another
field does not get past it.
"""

from __future__ import annotations

from graphql import DocumentNode, FieldNode, visit
from graphql.language import Visitor

__all__ = ["INTROSPECTION_DISABLED", "uses_introspection"]

INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
_FIELDS = frozenset({"__schema", "__type"})


class _Finder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.name.value in _FIELDS:
            self.found = True


def uses_introspection(document: DocumentNode) -> bool:
    """Whether any field of the document is `__schema` or `__type`."""
    finder = _Finder()
    visit(document, finder)
    return finder.found
