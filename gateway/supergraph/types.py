"""Assemble each type's per-subgraph facts from the join readers.

Ownership defaults follow the join spec: a field without `@join__field` belongs to every
subgraph that defines its type (with join v0.1's `@join__owner`, only to the owner), and a type
without `@join__type` belongs to every subgraph (Federation 1 value types).
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    print_ast,
)

from .context import ReadContext
from .join_context import read_contexts
from .join_directive import read_join_directives
from .join_enum_value import read_join_enum_values
from .join_field import read_join_fields
from .join_implements import read_join_implements
from .join_type import read_join_owner, read_join_types
from .join_union_member import read_join_union_members
from .links import Links
from .model import FieldInGraph, FieldMeta, TypeInGraph, TypeKind, TypeMeta

__all__ = ["read_types"]

_KINDS: dict[type, TypeKind] = {
    ObjectTypeDefinitionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    UnionTypeDefinitionNode: "union",
    EnumTypeDefinitionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
}


def read_types(document: DocumentNode, links: Links, ctx: ReadContext) -> dict[str, TypeMeta]:
    """Every type of the supergraph that is not link/join machinery."""
    machinery = links.machinery()
    found: dict[str, TypeMeta] = {}
    for node in document.definitions:
        if not isinstance(node, TypeDefinitionNode) or type(node) not in _KINDS:
            continue
        if any(feature.owns_type(node.name.value) for feature in machinery):
            continue
        found[node.name.value] = _read_type(node, ctx, _context_directive(links))
    return found


def _context_directive(links: Links) -> str | None:
    feature = links.get("context")
    return feature.directive("context") if feature is not None else None


def _read_type(node: TypeDefinitionNode, ctx: ReadContext, context: str | None) -> TypeMeta:
    graphs = read_join_types(node, ctx)
    if not graphs:
        graphs = {info.name: TypeInGraph(graph=info.name) for info in ctx.graphs.values()}
    owner = read_join_owner(node, ctx)
    defaults = (owner,) if owner is not None else tuple(graphs)
    fields: dict[str, FieldMeta] = {}
    for field in getattr(node, "fields", None) or ():
        per_graph = read_join_fields(field, node.name.value, ctx)
        if per_graph is None:
            per_graph = {graph: FieldInGraph(graph=graph) for graph in defaults}
        coordinate = f"{node.name.value}.{field.name.value}"
        fields[field.name.value] = FieldMeta(
            name=field.name.value,
            type=print_ast(field.type),
            graphs=per_graph,
            directives=read_join_directives(field.directives, ctx, coordinate),
        )
    return TypeMeta(
        name=node.name.value,
        kind=_KINDS[type(node)],
        graphs=graphs,
        fields=fields,
        implements=read_join_implements(node, ctx),
        union_members=(
            read_join_union_members(node, ctx) if isinstance(node, UnionTypeDefinitionNode) else {}
        ),
        enum_values=(
            read_join_enum_values(node, ctx) if isinstance(node, EnumTypeDefinitionNode) else {}
        ),
        contexts=read_contexts(node, context),
        directives=read_join_directives(node.directives, ctx, node.name.value),
    )
