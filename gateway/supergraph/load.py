"""The supergraph stage's entry: SDL text in, a `Supergraph` (or every problem found) out."""

from __future__ import annotations

from graphql import (
    ConstDirectiveNode,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    build_ast_schema,
    parse,
)
from graphql.validation.validate import validate_sdl

from .api_schema import build_api_schema
from .context import ReadContext
from .join_directive import read_join_directives
from .join_graph import read_graphs
from .links import read_links
from .model import OperationType, Supergraph
from .problems import SupergraphProblem, SupergraphProblems
from .types import read_types

__all__ = ["load_supergraph"]


def load_supergraph(sdl: str) -> Supergraph | SupergraphProblems:
    """Read a join-spec supergraph; never raises for bad input, it reports every problem."""
    problems: list[SupergraphProblem] = []
    try:
        document = parse(sdl)
    except GraphQLError as error:
        problem = SupergraphProblem(code="INVALID_GRAPHQL", message=error.message)
        return SupergraphProblems(problems=(problem,))
    schema = _full_schema(document, problems)
    links = read_links(document, problems)
    join = links.get("join")
    if schema is None or join is None:
        return SupergraphProblems(problems=tuple(problems))
    graphs = read_graphs(document, join, problems)
    ctx = ReadContext(join=join, schema=schema, graphs=graphs, problems=problems)
    types = read_types(document, links, ctx)
    schema_directives = read_join_directives(_schema_directives(document), ctx, "schema")
    api_schema = build_api_schema(document, links, problems)
    if problems or api_schema is None:
        return SupergraphProblems(problems=tuple(problems))
    return Supergraph(
        sdl=sdl,
        schema=schema,
        api_schema=api_schema,
        subgraphs={info.name: info for info in graphs.values()},
        types=types,
        root_types=_root_types(schema),
        links=links,
        schema_directives=schema_directives,
    )


def _full_schema(document: DocumentNode, problems: list[SupergraphProblem]) -> GraphQLSchema | None:
    errors = validate_sdl(document)
    problems.extend(SupergraphProblem(code="INVALID_GRAPHQL", message=e.message) for e in errors)
    try:
        return build_ast_schema(document, assume_valid_sdl=True)
    except (GraphQLError, TypeError) as error:
        if not errors:
            problems.append(SupergraphProblem(code="INVALID_GRAPHQL", message=str(error)))
        return None


def _schema_directives(document: DocumentNode) -> list[ConstDirectiveNode]:
    return [
        directive
        for definition in document.definitions
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode)
        for directive in definition.directives or ()
    ]


def _root_types(schema: GraphQLSchema) -> dict[OperationType, str]:
    roots: dict[OperationType, str] = {}
    if schema.query_type is not None:
        roots["query"] = schema.query_type.name
    if schema.mutation_type is not None:
        roots["mutation"] = schema.mutation_type.name
    if schema.subscription_type is not None:
        roots["subscription"] = schema.subscription_type.name
    return roots
