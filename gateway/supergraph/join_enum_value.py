"""Read `@join__enumValue`: which values an enum has in each subgraph."""

from __future__ import annotations

from graphql import EnumTypeDefinitionNode

from .arguments import directives_named
from .context import ReadContext

__all__ = ["read_join_enum_values"]


def read_join_enum_values(
    node: EnumTypeDefinitionNode, ctx: ReadContext
) -> dict[str, tuple[str, ...]]:
    """Values by subgraph; a value without the directive belongs to every subgraph."""
    found: dict[str, list[str]] = {}
    for value in node.values or ():
        location = f"{node.name.value}.{value.name.value}"
        for args in directives_named(value.directives, ctx.join.directive("enumValue")):
            graph = ctx.graph(args.get("graph"), location)
            if graph is not None:
                found.setdefault(graph, []).append(value.name.value)
    return {graph: tuple(names) for graph, names in found.items()}
