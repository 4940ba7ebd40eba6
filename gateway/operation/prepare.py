"""Parse and validate a client's operation once per (document, operation name), then reuse it.

Parsing and validation cost more than planning a cached plan, and the same few documents arrive
again and again, so the result (a `PreparedOperation` or the errors) is kept in a bounded LRU
cache. Nothing cached depends on variables or headers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    validate,
)

from gateway.operation.errors import (
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    OPERATION_NAME_REQUIRED,
    OPERATION_NOT_FOUND,
    OperationErrors,
    from_graphql_errors,
    request_error,
)
from gateway.operation.prepared import PreparedOperation

__all__ = ["prepare_operation"]

CACHE_SIZE = 2048


def prepare_operation(
    api_schema: GraphQLSchema, query: str, operation_name: str | None
) -> PreparedOperation | OperationErrors:
    """The operation `operation_name` of `query`, parsed and validated against `api_schema`."""
    return _prepare_cached(api_schema, query, operation_name)


@lru_cache(maxsize=CACHE_SIZE)
def _prepare_cached(
    api_schema: GraphQLSchema, query: str, operation_name: str | None
) -> PreparedOperation | OperationErrors:
    try:
        document = parse(query)
    except GraphQLError as error:
        return from_graphql_errors([error], GRAPHQL_PARSE_FAILED)
    problems = validate(api_schema, document)
    if problems:
        return from_graphql_errors(problems, GRAPHQL_VALIDATION_FAILED)
    return _pick_operation(document, operation_name)


def _pick_operation(
    document: DocumentNode, operation_name: str | None
) -> PreparedOperation | OperationErrors:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    chosen = _choose(operations, operation_name)
    if isinstance(chosen, OperationErrors):
        return chosen
    kind: Literal["query", "mutation", "subscription"] = chosen.operation.value
    return PreparedOperation(
        document=document,
        operation=chosen,
        fragments=fragments,
        kind=kind,
        name=chosen.name.value if chosen.name else None,
    )


def _choose(
    operations: list[OperationDefinitionNode], operation_name: str | None
) -> OperationDefinitionNode | OperationErrors:
    if operation_name is None:
        if len(operations) == 1:
            return operations[0]
        message = "Must provide operation name if query contains multiple operations."
        return OperationErrors(errors=(request_error(message, OPERATION_NAME_REQUIRED),))
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    message = f'Unknown operation named "{operation_name}".'
    return OperationErrors(errors=(request_error(message, OPERATION_NOT_FOUND),))
