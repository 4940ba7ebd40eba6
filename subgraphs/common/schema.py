"""The Strawberry federation schema every subgraph builds: Federation 2 and coded errors.

Federation 2.9 is what the composition fixtures and the npm composer agree on; it has
`@authenticated` and `@requiresScopes` (2.5) for the gateway's authorization.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final, TypeVar, cast

import strawberry
from graphql import GraphQLError
from strawberry.federation import Schema
from strawberry.federation.schema_directives import RequiresScopes
from strawberry.types import ExecutionContext

from subgraphs.common.errors import AppError, ErrorCodes

__all__ = [
    "FEDERATION_VERSION",
    "SubgraphSchema",
    "federation_schema",
    "print_schema_sdl",
    "resolver",
    "subscription",
]

F = TypeVar("F", bound=Callable[..., Any])

FEDERATION_VERSION: Final = "2.9"


class SubgraphSchema(Schema):
    """Logs only unexpected errors: a client's bad input or missing token is not a server fault."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [
            error
            for error in errors
            if error.original_error is not None
            and not isinstance(error.original_error, AppError | GraphQLError)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def federation_schema(
    *,
    query: type,
    mutation: type | None = None,
    subscription: type | None = None,
    types: Iterable[type] = (),
) -> Schema:
    """A federation 2 schema whose errors all carry `extensions.code`."""
    return SubgraphSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=tuple(types),
        extensions=[ErrorCodes],
        federation_version=FEDERATION_VERSION,
    )


def print_schema_sdl(schema: Schema) -> str:
    """The SDL `_service { sdl }` answers (with `@link`), ending in a newline."""
    sdl = schema.as_str()
    return sdl if sdl.endswith("\n") else sdl + "\n"


def resolver(**options: Any) -> Callable[[F], F]:
    """`strawberry.federation.field(**options)` as a decorator mypy --strict can type.

    Strawberry's overload for the keyword-only form returns `Any`, which strict mypy reports as
    an untyped decorator on async resolvers; the runtime object is Strawberry's field as usual.
    """
    return cast(Callable[[F], F], strawberry.federation.field(**options))


def subscription(
    *, requires_scopes: list[list[str]] | None = None, **options: Any
) -> Callable[[F], F]:
    """`strawberry.subscription(**options)` as a typed decorator (see `resolver`), with
    `@requiresScopes` as `strawberry.federation.field` offers it for queries and mutations."""
    if requires_scopes:
        options["directives"] = [
            *options.get("directives", ()),
            RequiresScopes(scopes=requires_scopes),
        ]
    return cast(Callable[[F], F], strawberry.subscription(**options))
