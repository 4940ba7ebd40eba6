"""Read `@join__implements`: which interfaces a type implements in each subgraph."""

from __future__ import annotations

from graphql import TypeDefinitionNode

from .arguments import directives_named
from .context import ReadContext

__all__ = ["read_join_implements"]


def read_join_implements(node: TypeDefinitionNode, ctx: ReadContext) -> dict[str, tuple[str, ...]]:
    """Interfaces by subgraph; empty when the supergraph predates `@join__implements`."""
    found: dict[str, list[str]] = {}
    for args in directives_named(node.directives, ctx.join.directive("implements")):
        graph = ctx.graph(args.get("graph"), node.name.value)
        interface = args.get("interface")
        if graph is None or not isinstance(interface, str):
            continue
        if interface not in ctx.schema.type_map:
            ctx.report("UNKNOWN_TYPE", f"unknown interface {interface}", node.name.value)
            continue
        found.setdefault(graph, []).append(interface)
    return {graph: tuple(names) for graph, names in found.items()}
