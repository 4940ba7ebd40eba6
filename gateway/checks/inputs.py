"""Read the API schema `gateway diff` compares: a supergraph's, or a plain SDL file's.

A supergraph (one that links the join spec) is loaded as the gateway serves it, so the schema
compared is the one clients introspect: join machinery gone, `@inaccessible` hidden, contracts
applied. Any other SDL is taken to be an API schema already (a `rover graph fetch` output, or
a subgraph's schema when one compares subgraphs).
"""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLError, GraphQLSchema, build_ast_schema, parse

from gateway.supergraph import SupergraphProblems, load_supergraph
from gateway.supergraph.links import read_links

__all__ = ["SchemaInputError", "read_api_schema", "schema_from_sdl"]


class SchemaInputError(ValueError):
    """The file cannot be read, or is neither a valid supergraph nor a valid schema."""


def schema_from_sdl(sdl: str, where: str) -> GraphQLSchema:
    """The API schema of `sdl` (a supergraph's, or the SDL's own); `where` names it in errors."""
    try:
        document = parse(sdl)
    except GraphQLError as error:
        raise SchemaInputError(f"{where}: not GraphQL: {error.message}") from None
    if read_links(document, []).get("join") is not None:
        loaded = load_supergraph(sdl)
        if isinstance(loaded, SupergraphProblems):
            raise SchemaInputError(f"{where}: not a valid supergraph:\n{loaded}")
        return loaded.api_schema
    try:
        return build_ast_schema(document)
    except (GraphQLError, TypeError) as error:
        raise SchemaInputError(f"{where}: not a valid schema: {error}") from None


def read_api_schema(path: Path) -> GraphQLSchema:
    """`schema_from_sdl` of a file, or `SchemaInputError` saying why it cannot be read."""
    try:
        sdl = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise SchemaInputError(f"{path}: cannot read: {reason}") from None
    return schema_from_sdl(sdl, str(path))
