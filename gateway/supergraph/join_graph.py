"""Read the `join__Graph` enum: one value per subgraph, with `@join__graph(name, url)`."""

from __future__ import annotations

from graphql import DocumentNode, EnumTypeDefinitionNode

from .arguments import directives_named
from .links import Feature
from .model import SubgraphInfo
from .problems import SupergraphProblem

__all__ = ["read_graphs"]


def read_graphs(
    document: DocumentNode, join: Feature, problems: list[SupergraphProblem]
) -> dict[str, SubgraphInfo]:
    """Subgraphs by enum value; a value without a name or url is reported."""
    enum_name = join.type_name("Graph")
    directive = join.directive("graph")
    graphs: dict[str, SubgraphInfo] = {}
    enums = [
        d
        for d in document.definitions
        if isinstance(d, EnumTypeDefinitionNode) and d.name.value == enum_name
    ]
    if not enums:
        problems.append(SupergraphProblem(code="NO_GRAPHS", message=f"no enum {enum_name}"))
    for enum in enums:
        for value in enum.values or ():
            location = f"{enum_name}.{value.name.value}"
            applied = directives_named(value.directives, directive)
            args = applied[0] if applied else {}
            name, url = args.get("name"), args.get("url")
            if not isinstance(name, str) or not name:
                problems.append(
                    SupergraphProblem(
                        code="INVALID_GRAPH", message=f"@{directive} has no name", location=location
                    )
                )
                continue
            if not isinstance(url, str):
                message = f"subgraph {name!r} has no url"
                problems.append(
                    SupergraphProblem(code="INVALID_GRAPH", message=message, location=location)
                )
            graphs[value.name.value] = SubgraphInfo(
                name=name, url=url if isinstance(url, str) else "", enum_value=value.name.value
            )
    return graphs
