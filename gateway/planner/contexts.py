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
    SelectionSetNode,
    VariableNode,
)

from gateway.planner.groups import Group
from gateway.planner.plan import KeyRenamer
from gateway.planner.scope import Scope
from gateway.supergraph import ContextArgument

if TYPE_CHECKING:
    from gateway.planner.entities import Planner

__all__ = ["ContextInput", "bind_contexts", "plan_context_inputs"]


@dataclass(frozen=True, slots=True)
class ContextInput:
    """One contextual argument, planned: where its value is read, relative to the entity."""

    argument: ContextArgument
    reads: tuple[tuple[str, ...], ...]


def plan_context_inputs(
    planner: Planner, scope: Scope, target_graph: str, item: FieldNode
) -> tuple[list[ContextInput], set[int]]:
    """Plan the context selections `item` needs where their objects are; return how to read
    each value from the entity's position, and the groups that must run first."""
    from gateway.planner.entities import PlanningError  # entities imports this module

    view = planner.view
    inputs: list[ContextInput] = []
    parents: set[int] = set()
    for argument in view.contexts(scope.type_name, item.name.value, target_graph):
        holder = _holder(planner, scope, argument.context)
        if holder is None:
            message = f"no enclosing object sets context {argument.context} for {item.name.value}"
            raise PlanningError(message)
        holder.out.add_typename()
        at_holder = holder.at(planned=True, renames=None, requires_out=None)
        parents |= planner.plan_selection(at_holder, argument.selection.selections)
        ups = ("..",) * sum(1 for element in scope.path[len(holder.path) :] if element != "@")
        reads = tuple(
            (*ups, f"... on {type_name}", field)
            for type_name, field in _reads(planner, holder, argument)
        )
        inputs.append(ContextInput(argument=argument, reads=reads))
    return inputs, parents


def bind_contexts(group: Group, item: FieldNode, inputs: list[ContextInput]) -> FieldNode:
    """`item` with each contextual argument passed as a variable of `group`'s fetch."""
    added: list[ArgumentNode] = []
    for planned in inputs:
        variable = f"contextualArgument_{group.id}_{len(group.context_variables)}"
        group.context_variables[variable] = planned.argument.type
        group.context_rewrites.extend(
            KeyRenamer(path=path, rename_key_to=variable) for path in planned.reads
        )
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
    """The nearest position at or above `scope` whose objects may set `context`."""
    owners = _owners(planner, context)
    current: Scope | None = scope
    while current is not None:
        kinds = {current.type_name, *planner.view.possible_types(current.type_name)}
        if kinds & owners:
            return current
        current = current.parent
    return None


def _reads(planner: Planner, holder: Scope, argument: ContextArgument) -> list[tuple[str, str]]:
    """(type condition, field) pairs the value is read with, one per owner type possible here."""
    owners = _owners(planner, argument.context)
    possible = {holder.type_name, *planner.view.possible_types(holder.type_name)}
    reads: list[tuple[str, str]] = []
    for node in argument.selection.selections:
        if isinstance(node, InlineFragmentNode) and node.type_condition is not None:
            condition = node.type_condition.name.value
            field = _field(node.selection_set)
            if field is not None and condition in possible:
                reads.append((condition, field))
        elif isinstance(node, FieldNode):
            concrete = sorted(t for t in possible & owners if not planner.view.is_abstract(t))
            reads.extend((type_name, node.name.value) for type_name in concrete)
    return reads


def _field(selection: SelectionSetNode) -> str | None:
    first = selection.selections[0] if selection.selections else None
    return first.name.value if isinstance(first, FieldNode) else None
