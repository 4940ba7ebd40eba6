"""The operation stage's output: a parsed, validated operation, ready to plan and shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from graphql import DocumentNode, FragmentDefinitionNode, OperationDefinitionNode

from gateway.operation.facts import OperationFacts

__all__ = ["PreparedOperation"]


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
