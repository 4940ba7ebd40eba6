"""Read `@join__type` (and the older `@join__owner`): which subgraphs define a type, its keys."""

from __future__ import annotations

from graphql import TypeDefinitionNode

from .arguments import directives_named
from .context import ReadContext
from .model import Key, TypeInGraph

__all__ = ["read_join_owner", "read_join_types"]


def read_join_types(node: TypeDefinitionNode, ctx: ReadContext) -> dict[str, TypeInGraph]:
    """The subgraphs defining this type; repeated applications per graph add keys."""
    type_name = node.name.value
    keys: dict[str, list[Key]] = {}
    flags: dict[str, tuple[bool, bool]] = {}
    for args in directives_named(node.directives, ctx.join.directive("type")):
        graph = ctx.graph(args.get("graph"), type_name)
        if graph is None:
            continue
        extension = args.get("extension") is True
        interface_object = args.get("isInterfaceObject") is True
        old = flags.get(graph, (extension, interface_object))
        flags[graph] = (old[0] and extension, old[1] or interface_object)
        keys.setdefault(graph, [])
        text = args.get("key")
        if text is None:
            continue
        selection = ctx.field_set(text, type_name, f"{type_name} @key in {graph}")
        if selection is not None and isinstance(text, str):
            resolvable = args.get("resolvable") is not False
            keys[graph].append(
                Key(graph=graph, fields=text, selection=selection, resolvable=resolvable)
            )
    return {
        graph: TypeInGraph(
            graph=graph,
            keys=tuple(keys[graph]),
            extension=flags[graph][0],
            is_interface_object=flags[graph][1],
        )
        for graph in keys
    }


def read_join_owner(node: TypeDefinitionNode, ctx: ReadContext) -> str | None:
    """join v0.1: the subgraph owning an entity; it resolves fields without `@join__field`."""
    for args in directives_named(node.directives, ctx.join.directive("owner")):
        return ctx.graph(args.get("graph"), node.name.value)
    return None
