"""Coerce a request's raw JSON variables to the operation's declared types.

graphql-core's `get_variable_values` applies the spec's rules (defaults, nullability, input
coercion); its failures become BAD_USER_INPUT errors, the code Apollo uses for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import GraphQLSchema
from graphql.execution.values import get_variable_values

from gateway.operation.errors import (
    BAD_USER_INPUT,
    OperationErrors,
    from_graphql_errors,
    request_error,
)
from gateway.operation.prepared import PreparedOperation

__all__ = ["coerce_variables"]


def coerce_variables(
    api_schema: GraphQLSchema, prepared: PreparedOperation, raw: object
) -> dict[str, Any] | OperationErrors:
    """The coerced variable values, or the errors explaining why `raw` does not fit."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        message = "Variables must be provided as a JSON object."
        return OperationErrors(errors=(request_error(message, BAD_USER_INPUT),))
    definitions = prepared.operation.variable_definitions or ()
    coerced = get_variable_values(api_schema, definitions, dict(raw), max_errors=50)
    if isinstance(coerced, list):
        return from_graphql_errors(coerced, BAD_USER_INPUT)
    return coerced
