"""`@fromContext` arguments: read a value from the nearest enclosing object that sets the context.

Planned like a `@requires` one level removed: the field gets an entity fetch of its own (its type
has a key in the subgraph, composition checks that), and the context's selection is planned at
the nearest position above it (or at it) whose type may set the context, in whatever fetch holds
that position, so the value is in the merged data before the entity fetch runs. The entity fetch
passes the value as a variable `$contextualArgument_<fetch>_<n>`, as Apollo's plans do, and
records a `KeyRenamer` context rewrite: `..` once per response field between the entity and the
context object, then `... on T` and the selected field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import (
    ArgumentNode,
    FieldNode,
    InlineFragmentNode,
    NameNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
)

from gateway.planner.groups import Group
from gateway.planner.plan import KeyRenamer
from gateway.planner.scope import Scope
from gateway.supergraph import ContextArgument

if TYPE_CHECKING:
    from gateway.planner.entities import Planner

__all__ = [
    "ContextInput",
    "bind_contexts",
    "context_stays_local",
    "plan_context_inputs",
    "plan_local_contexts",
]


@dataclass(frozen=True, slots=True)
class ContextInput:
    """One contextual argument, planned: where its value is read, relative to the entity."""

    argument: ContextArgument
    reads: tuple[tuple[str, ...], ...]


def plan_context_inputs(
    planner: Planner, scope: Scope, target_graph: str, item: FieldNode
) -> tuple[list[ContextInput], set[int]]:
    """For a field given an entity fetch of its own at `scope`: plan the context selections
    where their objects are; return how to read each value from the entity's position, and
    the groups that must run first."""
    from gateway.planner.entities import PlanningError  # entities imports this module

    inputs: list[ContextInput] = []
    parents: set[int] = set()
    for argument in planner.view.contexts(scope.type_name, item.name.value, target_graph):
        holder = _holder(planner, scope, argument.context)
        if holder is None:
            message = f"no enclosing object sets context {argument.context} for {item.name.value}"
            raise PlanningError(message)
        if holder.origin is not None and not _local_reads(planner, holder, argument):
            holder = holder.origin  # the fetch this one was entered from may hold it already
        planned, needs = _plan_input(planner, holder, argument, scope.path)
        inputs.append(planned)
        parents |= needs
    return inputs, parents


def context_stays_local(planner: Planner, scope: Scope, name: str) -> bool:
    """Whether a contextual field can stay in the current entity fetch, as Apollo plans it:
    every context object sits at or above the position the fetch was entered at, so its value
    is in the data before this fetch is sent (one variable per fetch; the executor splits the
    fetch when its objects have different values)."""
    return _local_holders(planner, scope, name) is not None


def plan_local_contexts(planner: Planner, scope: Scope, node: FieldNode) -> FieldNode:
    """Plan the context values of a field that stays in the current entity fetch; the fetch
    waits for the groups that hold them. Returns the field with its variables."""
    group = scope.group
    holders = _local_holders(planner, scope, node.name.value) or []
    inputs: list[ContextInput] = []
    parents: set[int] = set()
    for argument, holder in holders:
        planned, needs = _plan_input(planner, holder, argument, group.path)
        inputs.append(planned)
        parents |= needs
    parents.discard(group.id)
    group.parents = planner.groups.reduce(set(group.parents) | parents)
    return bind_contexts(group, node, inputs)


def _local_holders(
    planner: Planner, scope: Scope, name: str
) -> list[tuple[ContextArgument, Scope]] | None:
    group = scope.group
    if not group.entity:
        return None
    found: list[tuple[ContextArgument, Scope]] = []
    for argument in planner.view.contexts(scope.type_name, name, group.service):
        holder = _holder(planner, scope, argument.context)
        if holder is None:
            return None
        if holder.group is group:
            if holder.origin is None or holder.path != group.path:
                return None  # the context object comes from this very fetch
            holder = holder.origin
        found.append((argument, holder))
    return found


def _plan_input(
    planner: Planner, holder: Scope, argument: ContextArgument, relative_to: tuple[str, ...]
) -> tuple[ContextInput, set[int]]:
    """Plan `argument`'s selection at `holder`; read it `..` up from `relative_to`.

    A field the client's selection there uses as the response key of another field (`name:
    id`) is fetched as `fed__<field>`, wherever it comes from, so neither overwrites the other.
    """
    holder.out.add_typename()
    selection = _aliased(argument.selection, _taken_keys(holder))
    at_holder = holder.at(planned=True, renames=None, requires_out=None)
    parents = planner.plan_selection(at_holder, selection.selections)
    ups = ("..",) * sum(1 for element in relative_to[len(holder.path) :] if element != "@")
    reads = tuple(
        (*ups, f"... on {type_name}", *fields)
        for type_name, fields in _reads(planner, holder, argument, selection)
    )
    return ContextInput(argument=argument, reads=reads), parents


def _taken_keys(holder: Scope) -> set[str]:
    """Response keys the client's selection at `holder` gives to something else than the plain
    field of that name."""
    taken: set[str] = set()
    via = holder.via
    stack = list(via.selection_set.selections) if via and via.selection_set else []
    while stack:
        node = stack.pop()
        if isinstance(node, InlineFragmentNode):
            stack.extend(node.selection_set.selections)
        elif isinstance(node, FieldNode) and node.alias is not None:
            if node.alias.value != node.name.value or node.arguments:
                taken.add(node.alias.value)
        elif isinstance(node, FieldNode) and node.arguments:
            taken.add(node.name.value)
    return taken


def _aliased(selection: SelectionSetNode, taken: set[str]) -> SelectionSetNode:
    """`selection` with its first-level fields whose names are `taken` aliased `fed__<name>`."""
    if not taken:
        return selection
    nodes: list[SelectionNode] = []
    for node in selection.selections:
        if isinstance(node, FieldNode) and node.name.value in taken:
            node = FieldNode(
                alias=NameNode(value=f"fed__{node.name.value}"),
                name=node.name,
                arguments=node.arguments,
                directives=node.directives,
                selection_set=node.selection_set,
            )
        elif isinstance(node, InlineFragmentNode):
            node = InlineFragmentNode(
                type_condition=node.type_condition,
                directives=node.directives,
                selection_set=_aliased(node.selection_set, taken),
            )
        nodes.append(node)
    return SelectionSetNode(selections=tuple(nodes))


def _local_reads(planner: Planner, holder: Scope, argument: ContextArgument) -> bool:
    return all(
        planner.is_local(holder.at(type_name=type_name), fields[0])
        for type_name, fields in _reads(planner, holder, argument)
    )


def bind_contexts(group: Group, item: FieldNode, inputs: list[ContextInput]) -> FieldNode:
    """`item` with each contextual argument passed as a variable of `group`'s fetch.

    The same field reached through several type conditions (`... on Page`, `... on Note`) is
    one field of the fetch, so it shares one variable; each way adds its own reads."""
    added: list[ArgumentNode] = []
    response_key = (item.alias or item.name).value
    for planned in inputs:
        binding = (response_key, planned.argument.name)
        variable = group.context_bindings.get(binding) or (
            f"contextualArgument_{group.id}_{len(group.context_variables)}"
        )
        group.context_bindings[binding] = variable
        group.context_variables[variable] = planned.argument.type
        for path in planned.reads:
            renamer = KeyRenamer(path=path, rename_key_to=variable)
            if renamer not in group.context_rewrites:
                group.context_rewrites.append(renamer)
        added.append(
            ArgumentNode(
                name=NameNode(value=planned.argument.name),
                value=VariableNode(name=NameNode(value=variable)),
            )
        )
    return FieldNode(
        alias=item.alias,
        name=item.name,
        arguments=(*(item.arguments or ()), *added),
        directives=item.directives,
        selection_set=item.selection_set,
    )


def _owners(planner: Planner, context: str) -> set[str]:
    """The object types that set `context` (an interface or union sets it for its members)."""
    view = planner.view
    found: set[str] = set()
    for name, meta in view.supergraph.types.items():
        if context in meta.contexts:
            found.add(name)
            found.update(view.possible_types(name))
    return found


def _holder(planner: Planner, scope: Scope, context: str) -> Scope | None:
    """The nearest position above `scope` whose objects may set `context` (a field's own
    parent does not count: Apollo's composition refuses a context read on the type that sets
    it)."""
    owners = _owners(planner, context)
    current: Scope | None = scope.parent
    while current is not None:
        kinds = {current.type_name, *planner.view.possible_types(current.type_name)}
        if kinds & owners:
            return current
        current = current.parent
    return None


def _reads(
    planner: Planner,
    holder: Scope,
    argument: ContextArgument,
    selection: SelectionSetNode | None = None,
) -> list[tuple[str, tuple[str, ...]]]:
    """(type condition, response key path) pairs the value is read with, one per owner type
    possible here; a nested selection (`{ address { city } }`) reads the leaf at its end."""
    owners = _owners(planner, argument.context)
    possible = {holder.type_name, *planner.view.possible_types(holder.type_name)}
    reads: list[tuple[str, tuple[str, ...]]] = []
    for node in (selection or argument.selection).selections:
        if isinstance(node, InlineFragmentNode) and node.type_condition is not None:
            condition = node.type_condition.name.value
            fields = _leaf_path(node.selection_set)
            if fields and condition in possible:
                reads.append((condition, fields))
        elif isinstance(node, FieldNode):
            fields = _leaf_path(SelectionSetNode(selections=(node,)))
            concrete = sorted(t for t in possible & owners if not planner.view.is_abstract(t))
            reads.extend((type_name, fields) for type_name in concrete)
    return reads


def _leaf_path(selection: SelectionSetNode) -> tuple[str, ...]:
    """The field names from `selection` down to the one leaf it selects."""
    path: list[str] = []
    current: SelectionSetNode | None = selection
    while current is not None and current.selections:
        first = current.selections[0]
        if not isinstance(first, FieldNode):
            break
        path.append((first.alias or first.name).value)
        current = first.selection_set
    return tuple(path)
