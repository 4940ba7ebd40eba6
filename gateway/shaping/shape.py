"""Shape merged data into exactly the client's selection, with GraphQL's null propagation.

Merging and shaping are separate steps, as in Apollo's `resultShaping.ts`: the merged data holds
whatever the subgraphs sent (keys, `__typename`, `@requires` inputs, fields of several type
conditions), and only the client's operation, walked against the API schema, can say which of
it the client asked for, under which alias and in which order. One walk does it all: fragments
resolved by `__typename`, `@skip`/`@include` applied, leaves checked, and a null (or missing)
value in a non-null position bubbled to the nearest nullable parent, with an error unless one
already covers that path. The walk runs compiled closures (`compiler.py`) that callers may
cache per document and directive values. It runs twice only when something must be reported:
a generated walk without paths or errors shapes well-formed data, and gives up (`Fallback`) at
the first value that needs an error or a bubble, leaving those to the careful walk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphql import GraphQLSchema

from gateway.operation import PreparedOperation
from gateway.shaping.codegen import Fallback
from gateway.shaping.compiler import CompiledShape, compile_shape
from gateway.shaping.walk import BUBBLE, ShapeState, walk_fields

__all__ = ["shape_response"]


def shape_response(
    prepared: PreparedOperation,
    api_schema: GraphQLSchema,
    variables: Mapping[str, Any],
    data: Mapping[str, Any] | None,
    errors: Sequence[dict[str, Any]],
    *,
    compiled: CompiledShape | None = None,
) -> dict[str, Any]:
    """The response body: `data` in the client's shape, then every error.

    `compiled` must come from `compile_shape` for the same operation, schema and `@skip`/
    `@include` variable values; without it the operation is compiled for this call.
    """
    if compiled is None:
        compiled = compile_shape(prepared, api_schema, variables)
    try:
        body: dict[str, Any] = {"data": compiled.root.fast(data or {})}
        if errors:
            body["errors"] = list(errors)
        return body
    except Fallback:
        pass  # an error to report or a null to bubble: the careful walk does it all again
    state = ShapeState(list(errors))
    shaped = walk_fields(state, compiled.root, data or {}, None)
    body = {"data": None if shaped is BUBBLE else shaped}
    if state.errors:
        body["errors"] = state.errors
    return body
