"""Parse and check `join__FieldSet` strings (keys, requires, provides) against the schema."""

from __future__ import annotations

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    parse,
)
from graphql.type import GraphQLInterfaceType, GraphQLObjectType

__all__ = ["check_field_set", "parse_field_set"]


def parse_field_set(text: str) -> SelectionSetNode | str:
    """The selection set of a field set, or the parse error's message."""
    try:
        document = parse(f"{{{text}}}", no_location=True)
    except GraphQLError as error:
        return error.message
    operation = document.definitions[0]
    selection_set: SelectionSetNode = operation.selection_set  # type: ignore[attr-defined]
    return selection_set


def check_field_set(
    schema: GraphQLSchema, type_name: str, selection: SelectionSetNode
) -> list[str]:
    """Every field in the set that does not exist where it is selected."""
    errors: list[str] = []
    _check(schema, type_name, selection, errors)
    return errors


def _check(
    schema: GraphQLSchema, type_name: str, selection: SelectionSetNode, errors: list[str]
) -> None:
    parent = schema.type_map.get(type_name)
    for node in selection.selections:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else type_name
            if condition not in schema.type_map:
                errors.append(f"unknown type {condition} in a type condition")
                continue
            _check(schema, condition, node.selection_set, errors)
            continue
        if not isinstance(node, FieldNode):
            errors.append("fragment spreads are not allowed in a field set")
            continue
        name = node.name.value
        if name == "__typename":
            continue
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            kind = "abstract" if parent is not None and is_abstract_type(parent) else "leaf"
            errors.append(f"cannot select {name} on {kind} type {type_name}")
            continue
        definition = parent.fields.get(name)
        if definition is None:
            errors.append(f"{type_name} has no field {name}")
            continue
        child = get_named_type(definition.type)
        if node.selection_set is not None:
            _check(schema, child.name, node.selection_set, errors)
        elif not is_leaf_type(child):
            errors.append(f"{type_name}.{name} needs a selection")
