"""The composition entry point: subgraph SDLs in, a supergraph SDL or every problem out."""

from __future__ import annotations

from collections.abc import Sequence

from graphql import GraphQLError, build_ast_schema, parse, validate_schema

from gateway.composition.errors import CompositionError, Location, codes
from gateway.composition.merge import merge
from gateway.composition.model import Subgraph
from gateway.composition.parse import parse_subgraph
from gateway.composition.print import print_supergraph
from gateway.composition.satisfiability import check_satisfiability
from gateway.composition.source import CompositionFailure, CompositionSuccess, SubgraphSource
from gateway.composition.validate import validate_merged, validate_subgraph
from gateway.composition.validate_links import validate_link_imports

__all__ = ["compose"]


def _check_names(subgraphs: Sequence[SubgraphSource]) -> list[CompositionError]:
    errors: list[CompositionError] = []
    seen: set[str] = set()
    for source in subgraphs:
        if not source.name or source.name in seen:
            errors.append(
                CompositionError(
                    code=codes.INVALID_SUBGRAPH_NAME,
                    message=f'Subgraph name "{source.name}" is empty or used more than once',
                    locations=(Location(subgraph=source.name),),
                )
            )
        seen.add(source.name)
    return errors


def _parse_all(
    subgraphs: Sequence[SubgraphSource],
) -> tuple[list[Subgraph], list[CompositionError]]:
    parsed: list[Subgraph] = []
    errors = _check_names(subgraphs)
    for source in subgraphs:
        subgraph, problems = parse_subgraph(source)
        errors.extend(problems)
        if subgraph is not None:
            parsed.append(subgraph)
            errors.extend(validate_subgraph(subgraph))
    return parsed, errors


def _check_output(sdl: str) -> list[CompositionError]:
    """The printed supergraph must itself be a valid GraphQL schema."""
    try:
        schema = build_ast_schema(parse(sdl, no_location=True))
    except (GraphQLError, TypeError) as error:
        problems = [str(error)]
    else:
        problems = [error.message for error in validate_schema(schema)]
    return [
        CompositionError(
            code=codes.INVALID_GRAPHQL,
            message=f"The composed supergraph is not a valid schema: {problem}",
        )
        for problem in problems
    ]


def compose(subgraphs: Sequence[SubgraphSource]) -> CompositionSuccess | CompositionFailure:
    """Compose Federation subgraphs into a supergraph in Apollo's join-spec format.

    Subgraphs are checked one by one first (keys, `@requires`, `@provides`, links); then merged
    (field sharing, types, arguments, enums, inputs); then every field of the result must be
    reachable from a root through keys (satisfiability). Each stage reports every problem it
    finds, and a later stage runs only when the earlier ones found none. Never raises for a bad
    input: the result is a `CompositionSuccess` with the supergraph SDL or a `CompositionFailure`
    listing every error with Apollo's code, the subgraph and the location.
    """
    if not subgraphs:
        return CompositionFailure(
            errors=(CompositionError(code=codes.NO_QUERIES, message="No subgraphs to compose"),)
        )
    parsed, errors = _parse_all(subgraphs)
    if errors:
        return CompositionFailure(errors=tuple(errors))
    supergraph, errors = merge(parsed)
    errors.extend(validate_merged(supergraph, parsed))
    errors.extend(validate_link_imports(parsed))
    if errors:
        return CompositionFailure(errors=tuple(errors))
    errors = check_satisfiability(supergraph, parsed)
    if errors:
        return CompositionFailure(errors=tuple(errors))
    sdl = print_supergraph(supergraph)
    errors = _check_output(sdl)
    if errors:
        return CompositionFailure(errors=tuple(errors))
    return CompositionSuccess(supergraph_sdl=sdl)
