"""Answer `__schema` and `__type` from the API schema, without any subgraph.

Subgraph schemas are not what clients see (they carry federation machinery and miss other
subgraphs' fields), so the gateway executes only the introspection root fields of the client's
operation with graphql-core against the API schema, and merges the answer before shaping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    execute_sync,
)
from graphql.execution.collect_fields import collect_fields

from gateway.operation import PreparedOperation

__all__ = ["IntrospectionAnswer", "answer_introspection", "root_field_names"]

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


@dataclass(frozen=True, slots=True, kw_only=True)
class IntrospectionAnswer:
    """The introspection fields' data (by response key) and any errors."""

    data: dict[str, Any]
    errors: tuple[dict[str, Any], ...]


def root_field_names(
    api_schema: GraphQLSchema, prepared: PreparedOperation, variables: Mapping[str, Any]
) -> dict[str, list[FieldNode]]:
    """The operation's root fields after fragments and `@skip`/`@include`, by response key."""
    root = api_schema.get_root_type(prepared.operation.operation)
    assert root is not None
    return collect_fields(
        api_schema,
        dict(prepared.fragments),
        dict(variables),
        root,
        prepared.operation.selection_set,
    )


def answer_introspection(
    api_schema: GraphQLSchema,
    prepared: PreparedOperation,
    variables: Mapping[str, Any],
    raw_variables: Mapping[str, Any] | None,
) -> IntrospectionAnswer | None:
    """Execute the introspection root fields, or None when the operation has none."""
    fields = root_field_names(api_schema, prepared, variables)
    nodes = [
        node
        for group in fields.values()
        for node in group
        if node.name.value in INTROSPECTION_FIELDS
    ]
    if not nodes:
        return None
    operation = prepared.operation
    only = OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=SelectionSetNode(selections=tuple(nodes)),
    )
    document = DocumentNode(definitions=(only, *prepared.fragments.values()))
    result = execute_sync(api_schema, document, variable_values=dict(raw_variables or {}))
    errors = tuple(dict(error.formatted) for error in result.errors or ())
    return IntrospectionAnswer(data=dict(result.data or {}), errors=errors)
