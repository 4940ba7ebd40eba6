"""Whether a `@fromContext` selection can give its argument's value on every type that sets
the context: Apollo's rules (`validateFieldValue` in federation-internals), each failure one
CONTEXT_INVALID_SELECTION reason."""

from __future__ import annotations

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    SelectionNode,
    SelectionSetNode,
    TypeNode,
    parse,
    parse_type,
)

from gateway.composition.model import Subgraph, base_type

__all__ = ["selection_problem"]


def selection_problem(
    subgraph: Subgraph, text: str, owners: list[str], expected: str
) -> str | None:
    """Why the selection cannot give the argument's value on every owner, or None."""
    wrapped = text if text.strip().startswith("{") else "{" + text + "}"
    try:
        document = parse("{ value " + wrapped + " }", no_location=True)
    except GraphQLSyntaxError as error:
        return error.message
    outer = document.definitions[0].selection_set  # type: ignore[attr-defined]
    selection = outer.selections[0].selection_set if len(outer.selections) == 1 else None
    if not isinstance(selection, SelectionSetNode) or not selection.selections:
        return "no selection is made"
    problem = _format_problem(selection)
    if problem is not None:
        return problem
    fragments = [n for n in selection.selections if isinstance(n, InlineFragmentNode)]
    used: set[str] = set()
    for owner in owners:
        problem = _owner_problem(subgraph, owner, selection, fragments, expected, used)
        if problem is not None:
            return problem
    for fragment in fragments:
        condition = fragment.type_condition.name.value if fragment.type_condition else ""
        if condition not in used:
            return f'type condition "{condition}" is never used.'
    return None


def _format_problem(selection: SelectionSetNode) -> str | None:
    """The shape rules: no spreads, directives or aliases; one field, or only inline fragments
    with distinct type conditions."""
    every = _all(selection)
    if any(isinstance(n, FragmentSpreadNode) for n in every):
        return "fragment spread is not allowed"
    if any(n.directives for n in every):
        return "directives are not allowed in the selection"
    if any(isinstance(n, FieldNode) and n.alias for n in every):
        return "aliases are not allowed in the selection"
    nodes = selection.selections
    fragments = [n for n in nodes if isinstance(n, InlineFragmentNode)]
    if not fragments:
        return "multiple fields could be selected" if len(nodes) != 1 else None
    if len(fragments) != len(nodes):
        return "selection should only contain a single field or at least one inline fragment"
    names = [f.type_condition.name.value for f in fragments if f.type_condition]
    if len(names) != len(fragments):
        return "inline fragments must have type conditions"
    if len(set(names)) != len(names):
        return "type conditions have same name"
    return None


def _all(selection: SelectionSetNode) -> list[SelectionNode]:
    found: list[SelectionNode] = []
    for node in selection.selections:
        found.append(node)
        inner = getattr(node, "selection_set", None)
        if isinstance(inner, SelectionSetNode):
            found.extend(_all(inner))
    return found


def _owner_problem(
    subgraph: Subgraph,
    owner: str,
    selection: SelectionSetNode,
    fragments: list[InlineFragmentNode],
    expected: str,
    used: set[str],
) -> str | None:
    if not fragments:
        return _field_problem(subgraph, owner, selection, expected)
    runtimes = _runtimes(subgraph, owner)
    matched = False
    for fragment in fragments:
        condition = fragment.type_condition.name.value if fragment.type_condition else owner
        typedef = subgraph.types.get(condition)
        if typedef is None or typedef.kind != "object":
            return "type conditions must be an object type"
        if condition in runtimes:
            matched = True
            used.add(condition)
            # Apollo drops the non-null of a value read under a type condition.
            problem = _field_problem(
                subgraph, condition, fragment.selection_set, expected, nullable=True
            )
            if problem is not None:
                return problem
    return None if matched else f'no type condition matches the location "{owner}"'


def _runtimes(subgraph: Subgraph, name: str) -> set[str]:
    typedef = subgraph.types.get(name)
    if typedef is None:
        return set()
    if typedef.kind == "union":
        return set(typedef.members)
    if typedef.kind == "interface":
        return {t.name for t in subgraph.types.values() if name in t.interfaces}
    return {name}


def _field_problem(
    subgraph: Subgraph,
    owner: str,
    selection: SelectionSetNode,
    expected: str,
    *,
    nullable: bool = False,
) -> str | None:
    """The selection on `owner` must be one field, or a path of them down to one leaf
    (`{ address { city } }`), whose type fits the argument's."""
    typedef = subgraph.types.get(owner)
    nodes = selection.selections
    if len(nodes) != 1 or not isinstance(nodes[0], FieldNode):
        return "multiple fields could be selected"
    node = nodes[0]
    if typedef is None or typedef.kind == "union":
        return f'the selection cannot be made on type "{owner}"'
    field = typedef.fields.get(node.name.value)
    if field is None:
        return f'Cannot query field "{node.name.value}" on type "{owner}".'
    if node.selection_set is not None:
        inner = base_type(field.type)
        return _field_problem(subgraph, inner, node.selection_set, expected, nullable=nullable)
    selected = field.type.removesuffix("!") if nullable else field.type
    if not _matches(selected, expected):
        return (
            f'the type of the selection "{selected}" does not match the expected type "{expected}"'
        )
    return None


def _matches(selected: str, expected: str) -> bool:
    """Whether a field of type `selected` can fill an argument of type `expected` (the
    reference's rule: a non-null argument needs a non-null value, lists must line up)."""
    return _match_nodes(parse_type(selected), parse_type(expected))


def _match_nodes(selected: TypeNode, expected: TypeNode) -> bool:
    if isinstance(expected, NonNullTypeNode):
        return isinstance(selected, NonNullTypeNode) and _match_nodes(selected.type, expected.type)
    if isinstance(selected, NonNullTypeNode):
        return _match_nodes(selected.type, expected)
    if isinstance(expected, ListTypeNode):
        return isinstance(selected, ListTypeNode) and _match_nodes(selected.type, expected.type)
    if isinstance(selected, ListTypeNode):
        return False
    return (
        isinstance(selected, NamedTypeNode)
        and isinstance(expected, NamedTypeNode)
        and selected.name.value == expected.name.value
    )
