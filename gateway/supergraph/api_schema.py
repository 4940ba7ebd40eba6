"""Derive the API schema clients see: link/join machinery removed, `@inaccessible` hidden.

Descriptions, deprecations and other directives stay, so introspection shows what the
subgraphs' authors wrote.
"""

from __future__ import annotations

from typing import Any, TypeVar

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    Node,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    build_ast_schema,
    parse,
)

from .links import Links
from .problems import SupergraphProblem

__all__ = ["build_api_schema"]

N = TypeVar("N", bound=Node)


def _copy(node: N, **changes: Any) -> N:
    values = {key: getattr(node, key) for key in node.keys if key != "loc"}
    values.update(changes)
    return type(node)(**values)


class _Filter:
    """Strips machinery directives and inaccessible elements from definitions."""

    def __init__(self, document: DocumentNode, links: Links) -> None:
        self.features = links.machinery()
        inaccessible = links.get("inaccessible")
        self.inaccessible = inaccessible.directive("inaccessible") if inaccessible else None
        self.hidden_types = {
            d.name.value
            for d in document.definitions
            if isinstance(d, TypeDefinitionNode) and self.hidden(d)
        }

    def hidden(self, node: Node) -> bool:
        directives = getattr(node, "directives", None) or ()
        return self.inaccessible is not None and any(
            d.name.value == self.inaccessible for d in directives
        )

    def machinery_directive(self, name: str) -> bool:
        return any(feature.owns_directive(name) for feature in self.features)

    def machinery_type(self, name: str) -> bool:
        return any(feature.owns_type(name) for feature in self.features)

    def directives(self, nodes: tuple[DirectiveNode, ...] | None) -> tuple[Any, ...]:
        return tuple(d for d in nodes or () if not self.machinery_directive(d.name.value))

    def element(self, node: N) -> N:
        changes: dict[str, Any] = {"directives": self.directives(getattr(node, "directives", None))}
        if getattr(node, "arguments", None) is not None:
            changes["arguments"] = self.children(node.arguments)  # type: ignore[attr-defined]
        return _copy(node, **changes)

    def children(self, nodes: tuple[N, ...] | None) -> tuple[N, ...]:
        return tuple(self.element(n) for n in nodes or () if not self.hidden(n))

    def type_definition(self, node: TypeDefinitionNode) -> TypeDefinitionNode:
        changes: dict[str, Any] = {"directives": self.directives(node.directives)}
        for key in ("fields", "values"):
            if getattr(node, key, None) is not None:
                changes[key] = self.children(getattr(node, key))
        for key in ("interfaces", "types"):
            if getattr(node, key, None) is not None:
                named = getattr(node, key)
                changes[key] = tuple(t for t in named if t.name.value not in self.hidden_types)
        return _copy(node, **changes)

    def definition(self, node: Node) -> Node | None:
        if isinstance(node, DirectiveDefinitionNode):
            return None if self.machinery_directive(node.name.value) else node
        if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            # A hidden root type (a contract's Mutation with no field left) leaves the schema.
            roots = tuple(
                root
                for root in node.operation_types or ()
                if root.type.name.value not in self.hidden_types
            )
            return _copy(node, directives=self.directives(node.directives), operation_types=roots)
        if isinstance(node, TypeDefinitionNode):
            name = node.name.value
            if name in self.hidden_types or self.machinery_type(name):
                return None
            return self.type_definition(node)
        return node


DEFER_DIRECTIVE = (
    "directive @defer(label: String, if: Boolean! = true) on FRAGMENT_SPREAD | INLINE_FRAGMENT"
)
"""As Apollo Router adds it to the API schema, so a client's `@defer` validates (the gateway
answers it with incremental delivery; subgraphs never see it)."""


def build_api_schema(
    document: DocumentNode, links: Links, problems: list[SupergraphProblem]
) -> GraphQLSchema | None:
    """The client-facing schema, or None (with a problem) when what remains is not valid."""
    keep = _Filter(document, links)
    definitions = [d for d in map(keep.definition, document.definitions) if d is not None]
    if not any(
        isinstance(d, DirectiveDefinitionNode) and d.name.value == "defer" for d in definitions
    ):
        definitions.extend(parse(DEFER_DIRECTIVE).definitions)
    try:
        schema = build_ast_schema(DocumentNode(definitions=tuple(definitions)))
    except (GraphQLError, TypeError) as error:
        problems.append(SupergraphProblem(code="INVALID_API_SCHEMA", message=str(error)))
        return None
    return schema
