"""Normalise the client's selections before planning.

Named fragment spreads become inline fragments (subgraph operations are self-contained), and
`@skip`/`@include` with literal arguments are decided now: the selection is dropped or the
directive removed. Variable conditions stay and are passed through to subgraphs.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
)

__all__ = ["Condition", "conditions_of", "normalize_selections", "without_conditions"]

Condition = tuple[str, bool]
"""A variable condition: (variable name, the value under which the selection is kept)."""


def _literal(directive: DirectiveNode) -> bool | None:
    for argument in directive.arguments or ():
        if argument.name.value == "if" and isinstance(argument.value, BooleanValueNode):
            return argument.value.value
    return None


def _decide(directives: tuple[DirectiveNode, ...]) -> tuple[bool, tuple[DirectiveNode, ...]]:
    """Whether the selection is kept, and the directives that remain (variable conditions)."""
    kept: list[DirectiveNode] = []
    for directive in directives:
        name = directive.name.value
        value = _literal(directive) if name in ("skip", "include") else None
        if value is None:
            kept.append(directive)
        elif (name == "skip") == value:
            return False, ()
    return True, tuple(kept)


def conditions_of(directives: tuple[DirectiveNode, ...]) -> tuple[Condition, ...]:
    """The variable `@skip`/`@include` conditions among these directives."""
    found: list[Condition] = []
    for directive in directives:
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        found.extend(
            (argument.value.name.value, name == "include")
            for argument in directive.arguments or ()
            if isinstance(argument.value, VariableNode)
        )
    return tuple(found)


def without_conditions(node: SelectionNode) -> SelectionNode:
    """The same selection without its variable `@skip`/`@include` (a Condition node guards it)."""
    kept = tuple(d for d in node.directives or () if d.name.value not in ("skip", "include"))
    if isinstance(node, FieldNode):
        return FieldNode(
            alias=node.alias,
            name=node.name,
            arguments=node.arguments,
            directives=kept,
            selection_set=node.selection_set,
        )
    if isinstance(node, InlineFragmentNode):
        return _fragment(node.type_condition, kept, node.selection_set.selections)
    return node


def normalize_selections(
    selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> tuple[SelectionNode, ...]:
    """Inline every fragment spread and decide literal conditions, recursively."""
    result: list[SelectionNode] = []
    for node in selection_set.selections:
        keep, directives = _decide(tuple(node.directives or ()))
        if not keep:
            continue
        if isinstance(node, FieldNode):
            sub = node.selection_set
            inner = (
                SelectionSetNode(selections=normalize_selections(sub, fragments)) if sub else None
            )
            result.append(
                FieldNode(
                    alias=node.alias,
                    name=node.name,
                    arguments=node.arguments,
                    directives=directives,
                    selection_set=inner,
                )
            )
        elif isinstance(node, InlineFragmentNode):
            inner_nodes = normalize_selections(node.selection_set, fragments)
            result.append(_fragment(node.type_condition, directives, inner_nodes))
        elif isinstance(node, FragmentSpreadNode):
            definition = fragments[node.name.value]
            inner_nodes = normalize_selections(definition.selection_set, fragments)
            result.append(_fragment(definition.type_condition, directives, inner_nodes))
    return tuple(result)


def _fragment(
    condition: object, directives: tuple[DirectiveNode, ...], nodes: tuple[SelectionNode, ...]
) -> InlineFragmentNode:
    return InlineFragmentNode(
        type_condition=condition,
        directives=directives,
        selection_set=SelectionSetNode(selections=nodes),
    )
