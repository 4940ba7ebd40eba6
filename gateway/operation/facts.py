"""What the security limits read from an operation, measured once when its document is parsed.

Depth (root fields are depth 1), aliases, root fields, fields once fragments are spread, and
whether `__schema`/`__type` is asked for, through fragments and at every depth. Each fragment is
measured once, so neither cycles nor fragments spread inside fragments ("fragment bombs") can
make the walk long: it costs one visit per selection of the document. These facts depend only on
the document and the operation name, so they are cached with the parsed operation and each limit
is a comparison per request (`gateway/security/limits.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

__all__ = ["MAX_EXPANDED_FIELDS", "OperationFacts", "measure", "too_many_fields"]

MAX_EXPANDED_FIELDS = 50_000
"""Fields once fragments are spread: beyond this a small document is a "fragment bomb", and
validating it (graphql-core compares overlapping fields pairwise) would take minutes."""

_INTROSPECTION = frozenset({"__schema", "__type"})


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationFacts:
    """What the limits measure on one operation."""

    depth: int
    aliases: int
    root_fields: int
    expanded_fields: int
    introspection: bool


def too_many_fields(facts: OperationFacts) -> str | None:
    """Why the operation is a fragment bomb, or None: the stage and the guard both refuse it."""
    if facts.expanded_fields <= MAX_EXPANDED_FIELDS:
        return None
    return (
        f"The operation has {facts.expanded_fields} fields once expanded;"
        f" the limit is {MAX_EXPANDED_FIELDS}."
    )


@dataclass(frozen=True, slots=True)
class _Measured:
    depth: int
    aliases: int
    fields_here: int
    fields_total: int


_NOTHING = _Measured(0, 0, 0, 0)


def measure(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> OperationFacts:
    """The facts of `operation`, its fragment spreads looked up in `fragments`."""
    walker = _Walker(fragments)
    found = walker.measure(operation.selection_set, frozenset())
    return OperationFacts(
        depth=found.depth,
        aliases=found.aliases,
        root_fields=found.fields_here,
        expanded_fields=found.fields_total,
        introspection=walker.introspection,
    )


class _Walker:
    """Measures selections, each fragment once: a document that spreads fragments inside
    fragments costs linear work here, however large its expansion."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.memo: dict[str, _Measured] = {}
        self.introspection = False

    def measure(self, selection_set: SelectionSetNode, seen: frozenset[str]) -> _Measured:
        depth = aliases = here = total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                below = _NOTHING
                if selection.name.value in _INTROSPECTION:
                    self.introspection = True
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
            return _NOTHING
        name = selection.name.value
        fragment = self.fragments.get(name)
        if fragment is None or name in seen:
            return _NOTHING  # unknown or cyclic: validation refuses it
        if name not in self.memo:
            self.memo[name] = self.measure(fragment.selection_set, seen | {name})
        return self.memo[name]
