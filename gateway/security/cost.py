"""Static cost of an operation, from `@cost`/`@listSize` in the supergraph and configured defaults.

The model follows IBM's GraphQL cost directive specification as Apollo Router applies it:
an object (or interface, union) costs 1 and a scalar or enum 0 unless `@cost(weight:)` on the
field or on its type says otherwise; a list multiplies the cost of one element by its size,
which is the value of a slicing argument (`first`, `last`, `limit`, or those `@listSize`
names), else `@listSize(assumedSize:)`, else the configured default. A root mutation field
costs 10 more. The estimate is an upper bound (fragments on several types are all counted),
computed before planning so an expensive operation never reaches a subgraph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

from gateway.supergraph import Supergraph

__all__ = ["COST_LIMIT_EXCEEDED", "estimate_cost"]

COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"
MUTATION_COST = 10
SLICING_ARGUMENTS = ("first", "last", "limit")


@dataclass(slots=True)
class _Costing:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    default_list_size: int
    cost: str = "cost"  # the local names of `@cost` and `@listSize` in the supergraph
    list_size: str = "listSize"


def _directive(node: Any, name: str) -> DirectiveNode | None:
    directives: tuple[DirectiveNode, ...] = tuple(getattr(node, "directives", None) or ())
    return next((d for d in directives if d.name.value == name), None)


def _argument(directive: DirectiveNode | None, name: str) -> Any:
    for argument in directive.arguments if directive is not None else ():
        if argument.name.value == name:
            return argument.value
    return None


def _weight(costing: _Costing, field: GraphQLField, type_: GraphQLNamedType) -> int:
    for node in (field.ast_node, type_.ast_node):
        value = _argument(_directive(node, costing.cost), "weight")
        if isinstance(value, IntValueNode | StringValueNode):
            return int(value.value)
    return 0 if is_leaf_type(type_) else 1


def _is_list(field: GraphQLField) -> bool:
    type_ = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    return isinstance(type_, GraphQLList)


def _list_size(costing: _Costing, field: GraphQLField, node: FieldNode) -> int:
    list_size = _directive(field.ast_node, costing.list_size)
    names = list(SLICING_ARGUMENTS)
    sliced = _argument(list_size, "slicingArguments")
    if isinstance(sliced, ListValueNode):
        names = [v.value for v in sliced.values if isinstance(v, StringValueNode)]
    for argument in node.arguments or ():
        if argument.name.value in names:
            value: Any = argument.value
            if isinstance(value, VariableNode):
                value = costing.variables.get(value.name.value)
            elif isinstance(value, IntValueNode):
                value = int(value.value)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
    assumed = _argument(list_size, "assumedSize")
    if isinstance(assumed, IntValueNode):
        return int(assumed.value)
    return costing.default_list_size


def _selection_cost(
    costing: _Costing, selections: SelectionSetNode, parent: Any, seen: frozenset[str]
) -> int:
    """Cost of a selection set; `seen` holds the fragments on this path, so cycles stop."""
    total = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            total += _field_cost(costing, selection, parent, seen)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            scope = costing.schema.get_type(condition.name.value) if condition else parent
            total += _selection_cost(costing, selection.selection_set, scope, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = costing.fragments.get(name)
            if fragment is not None and name not in seen:
                scope = costing.schema.get_type(fragment.type_condition.name.value)
                total += _selection_cost(costing, fragment.selection_set, scope, seen | {name})
    return total


def _field_cost(costing: _Costing, node: FieldNode, parent: Any, seen: frozenset[str]) -> int:
    if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return 0  # __typename on a union, or an unknown type: validation reports it
    field = parent.fields.get(node.name.value)
    if field is None:
        return 0
    type_ = get_named_type(field.type)
    element = _weight(costing, field, type_)
    if node.selection_set is not None and isinstance(
        type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
    ):
        element += _selection_cost(costing, node.selection_set, type_, seen)
    return element * (_list_size(costing, field, node) if _is_list(field) else 1)


def estimate_cost(
    supergraph: Supergraph,
    fragments: Mapping[str, FragmentDefinitionNode],
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
    default_list_size: int,
) -> int:
    """The operation's cost (a fragment cycle is followed once; validation refuses it later)."""
    schema = supergraph.schema
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    costing = _Costing(
        schema,
        fragments,
        variables or {},
        default_list_size,
        cost=supergraph.directive_name("cost", "cost"),
        list_size=supergraph.directive_name("cost", "listSize"),
    )
    total = _selection_cost(costing, operation.selection_set, root, frozenset())
    if operation.operation == OperationType.MUTATION:
        total += MUTATION_COST * len(operation.selection_set.selections)
    return total
