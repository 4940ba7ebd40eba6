"""Estimated cost of an operation, from `@cost`/`@listSize` in the supergraph (demand control).

The rules are Apollo Router's reading of IBM's GraphQL cost directive specification:

- an operation costs 10 if it is a mutation, else 0, plus the cost of its fields;
- a field costs its type's weight (an object, interface or union 1, a scalar or enum 0, unless
  `@cost(weight:)` on the field or on its type says otherwise) plus its selections, times the
  list size when it returns a list, plus the cost of its arguments;
- an argument costs its `@cost` weight (on the argument, else on its type); an input object
  value costs 1 (or its weight) plus its fields' costs, each input field costed the same way;
  a list value costs the sum of its items;
- a list's size is the largest slicing argument given (`@listSize(slicingArguments:)`; an
  argument's default counts as given), else `@listSize(assumedSize:)`, else the configured
  default. Without `@listSize`, `first`, `last` and `limit` are read as slicing arguments
  (this gateway's addition: connection arguments bound lists that carry no directive);
- `@listSize(sizedFields:)` (connection types) gives the size to those child fields of the
  field's type (`edges`, `nodes`) instead of the field itself;
- `@listSize(requireOneSlicingArgument:)` (true by default when slicing arguments are named)
  makes a selection with other than exactly one of them a problem, reported by the caller;
- a field under `@skip(if: true)` or `@include(if: false)` costs nothing;
- a field with `@requires` (a `@join__field(requires:)` in the supergraph) also costs its
  required selection, costed on the parent type and added once per parent, not times the
  field's list size: the client may not select those fields, yet the gateway must fetch them
  (Apollo Router's `requirements_cost`, `cost = count * type cost + arguments + requirements`).

The estimate is an upper bound (fragments on several types are all counted), computed before
planning so an expensive operation never reaches a subgraph. `cost_actual.py` measures the
same rules on the response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
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
    SelectionNode,
    SelectionSetNode,
    StringValueNode,
    get_named_type,
    is_leaf_type,
    value_from_ast_untyped,
)

from gateway.supergraph import Supergraph, TypeMeta

__all__ = [
    "COST_LIMIT_EXCEEDED",
    "MUTATION_COST",
    "SLICING_ARGUMENT_REQUIRED",
    "CostEstimate",
    "Costing",
    "arguments_cost",
    "estimate_cost",
    "included",
    "new_costing",
    "weight",
]

COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"
SLICING_ARGUMENT_REQUIRED = "SLICING_ARGUMENT_REQUIRED"
MUTATION_COST = 10
SLICING_ARGUMENTS = ("first", "last", "limit")
Sized = tuple[frozenset[str], int] | None
"""Child field names that take a parent's list size (`sizedFields`), and that size."""


@dataclass(slots=True)
class Costing:
    """What the rules read: the schema, the operation's fragments and variables, the names."""

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    default_list_size: int
    cost: str = "cost"  # the local names of `@cost` and `@listSize` in the supergraph
    list_size: str = "listSize"
    problems: list[str] = field(default_factory=list)
    types: Mapping[str, TypeMeta] = field(default_factory=dict)
    """The supergraph's join facts, where `@requires` selections are read; empty (no
    requirement costed) when costing a response, which already holds what was fetched."""


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """The estimated cost, and what makes the operation unfit for costing (a slicing argument
    `requireOneSlicingArgument` asks for and the selection does not give exactly once)."""

    cost: int
    problems: tuple[str, ...] = ()


def new_costing(
    supergraph: Supergraph,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None,
    default_list_size: int,
) -> Costing:
    return Costing(
        supergraph.schema,
        fragments,
        dict(variables or {}),
        default_list_size,
        cost=supergraph.directive_name("cost", "cost"),
        list_size=supergraph.directive_name("cost", "listSize"),
    )


def _directive(node: Any, name: str) -> DirectiveNode | None:
    directives: tuple[DirectiveNode, ...] = tuple(getattr(node, "directives", None) or ())
    return next((d for d in directives if d.name.value == name), None)


def _argument(directive: DirectiveNode | None, name: str) -> Any:
    for argument in directive.arguments if directive is not None else ():
        if argument.name.value == name:
            return argument.value
    return None


def _declared_weight(costing: Costing, *nodes: Any) -> int | None:
    for node in nodes:
        value = _argument(_directive(node, costing.cost), "weight")
        if isinstance(value, IntValueNode | StringValueNode):
            return int(float(value.value))
    return None


def weight(costing: Costing, field: GraphQLField, type_: GraphQLNamedType) -> int:
    """One instance of the field's value: `@cost` on the field or its type, else 1 or 0."""
    declared = _declared_weight(costing, field.ast_node, type_.ast_node)
    if declared is not None:
        return declared
    return 0 if is_leaf_type(type_) else 1


def included(costing: Costing, node: SelectionNode) -> bool:
    """False under `@skip(if: true)` or `@include(if: false)` (literal or variable)."""
    for name, runs_when in (("skip", False), ("include", True)):
        value = _argument(_directive(node, name), "if")
        if (
            value is not None
            and bool(value_from_ast_untyped(value, costing.variables)) is not runs_when
        ):
            return False
    return True


def _input_cost(
    costing: Costing, value: Any, type_: GraphQLInputType, definition: Any | None
) -> int:
    """One argument or input field value, by the rules in the module's docstring."""
    if value is None:
        return 0
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        return sum(_input_cost(costing, item, type_.of_type, definition) for item in items)
    named = get_named_type(type_)
    declared = _declared_weight(costing, definition, named.ast_node)
    if isinstance(named, GraphQLInputObjectType) and isinstance(value, dict):
        total = 1 if declared is None else declared
        for name, inner in value.items():
            input_field: GraphQLInputField | None = named.fields.get(name)
            if input_field is not None:
                total += _input_cost(costing, inner, input_field.type, input_field.ast_node)
        return total
    return declared or 0


def arguments_cost(costing: Costing, field: GraphQLField, node: FieldNode) -> int:
    total = 0
    for argument in node.arguments or ():
        definition: GraphQLArgument | None = field.args.get(argument.name.value)
        if definition is not None:
            value = value_from_ast_untyped(argument.value, costing.variables)
            total += _input_cost(costing, value, definition.type, definition.ast_node)
    return total


def _strings(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, ListValueNode):
        return tuple(v.value for v in value.values if isinstance(v, StringValueNode))
    return None


def _slices(
    costing: Costing, field: GraphQLField, node: FieldNode, names: tuple[str, ...]
) -> list[int]:
    """The values of the slicing arguments the selection gives (defaults count as given)."""
    given = {a.name.value: a.value for a in node.arguments or ()}
    found: list[int] = []
    for name in names:
        value: Any = None
        if name in given:
            value = value_from_ast_untyped(given[name], costing.variables)
        elif name in field.args and field.args[name].default_value is not None:
            value = field.args[name].default_value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            found.append(value)
    return found


def list_size(costing: Costing, field: GraphQLField, node: FieldNode, coordinate: str) -> int:
    """The size `@listSize` (or a slicing argument, or the default) gives the field."""
    directive = _directive(field.ast_node, costing.list_size)
    named = _strings(_argument(directive, "slicingArguments"))
    slices = _slices(costing, field, node, named or (() if directive else SLICING_ARGUMENTS))
    if named:
        require = _argument(directive, "requireOneSlicingArgument")
        required = not (isinstance(require, BooleanValueNode) and not require.value)
        if required and len(slices) != 1:
            costing.problems.append(
                f"{coordinate} needs exactly one of its slicing arguments "
                f"({', '.join(named)}); {len(slices)} given."
            )
    if slices:
        return max(slices)
    assumed = _argument(directive, "assumedSize")
    if isinstance(assumed, IntValueNode):
        return int(assumed.value)
    return costing.default_list_size


def sized_fields(costing: Costing, field: GraphQLField) -> frozenset[str]:
    directive = _directive(field.ast_node, costing.list_size)
    return frozenset(_strings(_argument(directive, "sizedFields")) or ())


def is_list(field: GraphQLField) -> bool:
    type_ = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    return isinstance(type_, GraphQLList)


def _selection_cost(
    costing: Costing, selections: SelectionSetNode, parent: Any, seen: frozenset[str], sized: Sized
) -> int:
    """Cost of a selection set; `seen` holds the fragments on this path, so cycles stop."""
    total = 0
    for selection in selections.selections:
        if not included(costing, selection):
            continue
        if isinstance(selection, FieldNode):
            size = sized[1] if sized is not None and selection.name.value in sized[0] else None
            total += _field_cost(costing, selection, parent, seen, size)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            scope = costing.schema.get_type(condition.name.value) if condition else parent
            total += _selection_cost(costing, selection.selection_set, scope, seen, sized)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = costing.fragments.get(name)
            if fragment is not None and name not in seen:
                scope = costing.schema.get_type(fragment.type_condition.name.value)
                total += _selection_cost(
                    costing, fragment.selection_set, scope, seen | {name}, sized
                )
    return total


def _field_cost(
    costing: Costing, node: FieldNode, parent: Any, seen: frozenset[str], size: int | None
) -> int:
    if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return 0  # __typename on a union, or an unknown type: validation reports it
    field = parent.fields.get(node.name.value)
    if field is None:
        return 0
    type_ = get_named_type(field.type)
    own_size = list_size(costing, field, node, f"{parent.name}.{node.name.value}")
    children = sized_fields(costing, field)
    element = weight(costing, field, type_)
    if node.selection_set is not None and isinstance(
        type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
    ):
        sized = (children, own_size) if children else None
        element += _selection_cost(costing, node.selection_set, type_, seen, sized)
    count = 1
    if is_list(field):
        count = size if size is not None else (costing.default_list_size if children else own_size)
    requirements = _requirements_cost(costing, parent, node.name.value, seen)
    return element * count + arguments_cost(costing, field, node) + requirements


def _requirements_cost(
    costing: Costing,
    parent: GraphQLObjectType | GraphQLInterfaceType,
    name: str,
    seen: frozenset[str],
) -> int:
    """The cost of the field's `@requires` selection on its parent (the first subgraph's
    that declares one), or 0."""
    meta = costing.types.get(parent.name)
    field_meta = meta.fields.get(name) if meta is not None else None
    if field_meta is None:
        return 0
    for in_graph in field_meta.graphs.values():
        if in_graph.requires is not None:
            return _selection_cost(costing, in_graph.requires, parent, seen, None)
    return 0


def estimate_cost(
    supergraph: Supergraph,
    fragments: Mapping[str, FragmentDefinitionNode],
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
    default_list_size: int,
) -> CostEstimate:
    """The operation's cost (a fragment cycle is followed once; validation refuses it later)."""
    root = supergraph.schema.get_root_type(operation.operation)
    if root is None:
        return CostEstimate(0)
    costing = new_costing(supergraph, fragments, variables, default_list_size)
    costing.types = supergraph.types
    total = _selection_cost(costing, operation.selection_set, root, frozenset(), None)
    if operation.operation == OperationType.MUTATION:
        total += MUTATION_COST
    return CostEstimate(total, tuple(costing.problems))
