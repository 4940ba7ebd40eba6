"""The operation stage's output: a parsed, validated operation, ready to plan and shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
)

from gateway.operation.facts import OperationFacts

__all__ = ["PreparedOperation", "root_field_names"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PreparedOperation:
    """One operation picked out of a validated document.

    It is cached by (document text, operation name) in the gateway's document cache and shared
    between requests, so nothing here may depend on variables or headers.
    """

    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: Mapping[str, FragmentDefinitionNode]
    kind: Literal["query", "mutation", "subscription"]
    name: str | None
    facts: OperationFacts
    """Depth, aliases, fields and introspection use, for the security limits."""


def root_field_names(prepared: PreparedOperation) -> set[str]:
    """Root field names of the operation, through fragments, ignoring `@skip`/`@include`."""
    names: set[str] = set()
    pending = [prepared.operation.selection_set]
    seen: set[str] = set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = prepared.fragments.get(selection.name.value)
                if fragment is not None:
                    pending.append(fragment.selection_set)
    return names
