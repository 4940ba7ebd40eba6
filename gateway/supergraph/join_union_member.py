"""Read `@join__unionMember`: which members a union has in each subgraph."""

from __future__ import annotations

from graphql import TypeDefinitionNode

from .arguments import directives_named
from .context import ReadContext

__all__ = ["read_join_union_members"]


def read_join_union_members(
    node: TypeDefinitionNode, ctx: ReadContext
) -> dict[str, tuple[str, ...]]:
    """Members by subgraph; empty when the supergraph predates `@join__unionMember`."""
    found: dict[str, list[str]] = {}
    for args in directives_named(node.directives, ctx.join.directive("unionMember")):
        graph = ctx.graph(args.get("graph"), node.name.value)
        member = args.get("member")
        if graph is None or not isinstance(member, str):
            continue
        if member not in ctx.schema.type_map:
            ctx.report("UNKNOWN_TYPE", f"unknown union member {member}", node.name.value)
            continue
        found.setdefault(graph, []).append(member)
    return {graph: tuple(names) for graph, names in found.items()}
