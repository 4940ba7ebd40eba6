"""Actual cost of an operation, measured on the response it got (demand control).

The same rules as the estimate (`cost.py`) with the real list sizes: each object in the
response costs its type's weight, each scalar its weight (0 unless `@cost`), a null nothing,
a list the sum of its items; arguments cost what they cost in the estimate, and a mutation 10.
A field the response does not hold (skipped) costs nothing, and a null (an error, or a field
authorization removed) only its arguments. The client's response keys are
walked, aliases included; a key selected on several types is counted once per object, on the
type its `__typename` names when the response has it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
)

from gateway.security.cost import (
    MUTATION_COST,
    Costing,
    arguments_cost,
    included,
    new_costing,
    weight,
)
from gateway.supergraph import Supergraph

__all__ = ["actual_cost"]


def _fields(
    costing: Costing,
    selections: SelectionSetNode,
    parent: Any,
    value: Mapping[str, Any],
    seen: frozenset[str],
) -> list[tuple[FieldNode, Any]]:
    """The field selections that apply to `value`, with the type each is selected on."""
    typename = value.get("__typename")
    concrete = costing.schema.get_type(typename) if isinstance(typename, str) else None
    found: list[tuple[FieldNode, Any]] = []
    for selection in selections.selections:
        if not included(costing, selection):
            continue
        if isinstance(selection, FieldNode):
            found.append((selection, concrete or parent))
            continue
        scope, inner, names = parent, None, seen
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            scope = costing.schema.get_type(condition.name.value) if condition else parent
            inner = selection.selection_set
        elif isinstance(selection, FragmentSpreadNode):
            fragment = costing.fragments.get(selection.name.value)
            if fragment is None or selection.name.value in seen:
                continue
            scope = costing.schema.get_type(fragment.type_condition.name.value)
            inner, names = fragment.selection_set, seen | {selection.name.value}
        if inner is not None and _applies(scope, concrete):
            found.extend(_fields(costing, inner, scope, value, names))
    return found


def _applies(scope: Any, concrete: Any) -> bool:
    """Whether a fragment on `scope` applies to an object of type `concrete` (unknown: yes)."""
    if concrete is None or scope is None or scope is concrete:
        return True
    if isinstance(scope, GraphQLUnionType):
        return concrete in scope.types
    if isinstance(scope, GraphQLInterfaceType) and isinstance(concrete, GraphQLObjectType):
        return scope in concrete.interfaces
    return False


def _object_cost(
    costing: Costing,
    selections: SelectionSetNode,
    parent: Any,
    value: Mapping[str, Any],
    seen: frozenset[str],
) -> int:
    total = 0
    counted: set[str] = set()
    for node, scope in _fields(costing, selections, parent, value, seen):
        key = node.alias.value if node.alias is not None else node.name.value
        if key in counted or key not in value:
            continue
        if not isinstance(scope, GraphQLObjectType | GraphQLInterfaceType):
            continue
        field = scope.fields.get(node.name.value)
        if field is None:
            continue  # __typename, or a field of another type in the fragment
        counted.add(key)
        total += arguments_cost(costing, field, node) + _value_cost(
            costing, field, node, value[key], seen
        )
    return total


def _value_cost(
    costing: Costing, field: GraphQLField, node: FieldNode, value: Any, seen: frozenset[str]
) -> int:
    if value is None:
        return 0
    if isinstance(value, list):
        return sum(_value_cost(costing, field, node, item, seen) for item in value)
    type_ = get_named_type(field.type)
    own = weight(costing, field, type_)
    if isinstance(value, dict) and node.selection_set is not None:
        return own + _object_cost(costing, node.selection_set, type_, value, seen)
    return own


def actual_cost(
    supergraph: Supergraph,
    fragments: Mapping[str, FragmentDefinitionNode],
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
    data: Any,
) -> int:
    """The cost of what the response holds (`data` as the client gets it)."""
    root = supergraph.schema.get_root_type(operation.operation)
    total = MUTATION_COST if operation.operation == OperationType.MUTATION else 0
    if root is None or not isinstance(data, dict):
        return total
    costing = new_costing(supergraph, fragments, variables, 0)
    return total + _object_cost(costing, operation.selection_set, root, data, frozenset())
