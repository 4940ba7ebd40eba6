"""Write a contract supergraph: the supergraph with `@inaccessible` on what the contract hides.

This is what Apollo's contracts produce too: the join directives are untouched, so the planner
plans exactly as for the full graph (keys and `@requires` may use hidden fields), and the
gateway's own API-schema step (`gateway/supergraph/api_schema.py`) removes the hidden
elements. A supergraph that does not link the inaccessible spec yet gets its `@link` and
directive definition.
"""

from __future__ import annotations

from typing import Any, TypeVar

from graphql import (
    ConstDirectiveNode,
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    NameNode,
    Node,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    parse,
)

__all__ = ["INACCESSIBLE_LINK", "mark_hidden"]

N = TypeVar("N", bound=Node)

INACCESSIBLE_LINK = (
    'schema @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY) '
    "{ query: Query }\n"
    "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | "
    "ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)


def _copy(node: N, **changes: Any) -> N:
    values = {key: getattr(node, key) for key in node.keys if key != "loc"}
    values.update(changes)
    return type(node)(**values)


class _Marker:
    def __init__(self, hidden: frozenset[str], directive: str) -> None:
        self.hidden = hidden
        self.directive = ConstDirectiveNode(name=NameNode(value=directive), arguments=())

    def mark(self, node: N, coordinate: str, **changes: Any) -> N:
        if coordinate in self.hidden:
            directives = tuple(getattr(node, "directives", None) or ())
            if not any(d.name.value == self.directive.name.value for d in directives):
                changes["directives"] = (*directives, self.directive)
        return _copy(node, **changes) if changes else node

    def field(self, owner: str, node: FieldDefinitionNode | InputValueDefinitionNode) -> Node:
        coordinate = f"{owner}.{node.name.value}"
        if isinstance(node, FieldDefinitionNode) and node.arguments:
            arguments = tuple(
                self.mark(arg, f"{coordinate}({arg.name.value}:)") for arg in node.arguments
            )
            return self.mark(node, coordinate, arguments=arguments)
        return self.mark(node, coordinate)

    def definition(self, node: Node) -> Node:
        if not isinstance(node, TypeDefinitionNode):
            return node
        name = node.name.value
        changes: dict[str, Any] = {}
        fielded = ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode
        if isinstance(node, fielded | InputObjectTypeDefinitionNode) and node.fields:
            changes["fields"] = tuple(self.field(name, f) for f in node.fields)
        if isinstance(node, EnumTypeDefinitionNode) and node.values:
            changes["values"] = tuple(self.mark(v, f"{name}.{v.name.value}") for v in node.values)
        return self.mark(node, name, **changes)


def _link_inaccessible(document: DocumentNode) -> DocumentNode:
    """Add the inaccessible spec's `@link` and directive definition to a supergraph."""
    extra = parse(INACCESSIBLE_LINK).definitions
    link = extra[0]
    assert isinstance(link, SchemaDefinitionNode)
    definitions: list[Node] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            directives = (*definition.directives, *link.directives)
            definition = _copy(definition, directives=directives)
        definitions.append(definition)
    definition_at = next(
        (i for i, d in enumerate(definitions) if isinstance(d, DirectiveDefinitionNode)),
        len(definitions),
    )
    definitions.insert(definition_at, extra[1])
    return DocumentNode(definitions=tuple(definitions))


def mark_hidden(
    document: DocumentNode, hidden: frozenset[str], inaccessible: str | None
) -> DocumentNode:
    """`document` with `@inaccessible` (its local name, or linked now if None) on `hidden`."""
    if inaccessible is None:
        document, inaccessible = _link_inaccessible(document), "inaccessible"
    marker = _Marker(hidden, inaccessible)
    return DocumentNode(definitions=tuple(marker.definition(d) for d in document.definitions))
