"""Read `@join__field`: which subgraphs resolve a field, and its requires/provides/override."""

from __future__ import annotations

from graphql import (
    FieldDefinitionNode,
    GraphQLSchema,
    InputValueDefinitionNode,
    SelectionSetNode,
    get_named_type,
    type_from_ast,
)

from .arguments import directives_named
from .context import ReadContext
from .join_context import read_context_arguments
from .model import FieldInGraph

__all__ = ["read_join_fields"]


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def read_join_fields(
    node: FieldDefinitionNode | InputValueDefinitionNode,
    type_name: str,
    ctx: ReadContext,
) -> dict[str, FieldInGraph] | None:
    """Per-subgraph facts, or None when the field has no `@join__field` (the type decides).

    An application without `graph:` marks a field that no subgraph resolves directly (e.g. one
    added to an implementation by an `@interfaceObject`); it contributes nothing.
    """
    applied = directives_named(node.directives, ctx.join.directive("field"))
    if not applied:
        return None
    location = f"{type_name}.{node.name.value}"
    found: dict[str, FieldInGraph] = {}
    for args in applied:
        if args.get("graph") is None:
            continue
        graph = ctx.graph(args.get("graph"), location)
        if graph is None:
            continue
        found[graph] = FieldInGraph(
            graph=graph,
            type=_string(args.get("type")),
            requires=_field_set(args.get("requires"), type_name, ctx, location),
            requires_text=_string(args.get("requires")),
            provides=_field_set(
                args.get("provides"), _return_type(ctx.schema, node), ctx, location
            ),
            external=args.get("external") is True,
            override_from=_string(args.get("override")),
            override_label=_string(args.get("overrideLabel")),
            used_overridden=args.get("usedOverridden") is True,
            context_arguments=read_context_arguments(args.get("contextArguments"), ctx, location),
        )
    return found


def _return_type(
    schema: GraphQLSchema, node: FieldDefinitionNode | InputValueDefinitionNode
) -> str:
    graphql_type = type_from_ast(schema, node.type)
    return get_named_type(graphql_type).name if graphql_type is not None else ""


def _field_set(
    text: object, type_name: str, ctx: ReadContext, location: str
) -> SelectionSetNode | None:
    if text is None:
        return None
    return ctx.field_set(text, type_name, location)
