"""Entity jumps: fetch fields the current subgraph cannot resolve from another subgraph.

For each field left over, find the subgraphs that resolve it and accept a key the current
data can provide; pick the one that takes the most of the leftover fields (fewest fetches),
preferring one whose key is already at hand. The key fields (and any `@requires` inputs) are
planned where the planner stands, then an `_entities` fetch is added that depends on the
groups holding them. Through an `@interfaceObject`, the representation's `__typename` is
rewritten to the interface name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from graphql import FieldNode, SelectionNode, SelectionSetNode

from gateway.planner.climb import RootPlace, choose_other_root, root_scope, wrap_for_parent
from gateway.planner.contexts import ContextInput, bind_contexts, plan_context_inputs
from gateway.planner.coverage import coverage
from gateway.planner.graph import SubgraphView
from gateway.planner.groups import Group, Groups
from gateway.planner.members import safe_members
from gateway.planner.plan import KeyRenamer, ValueSetter
from gateway.planner.scope import Scope
from gateway.planner.selections import FieldItem, FragmentItem, Sel
from gateway.supergraph import Key

__all__ = ["Planner", "PlanningError", "plan_remote"]


class PlanningError(Exception):
    """The supergraph offers no way to resolve a selection (a composition bug, not a client's)."""


class Planner(Protocol):
    @property
    def view(self) -> SubgraphView: ...

    @property
    def groups(self) -> Groups: ...

    def plan_object(self, scope: Scope, items: tuple[SelectionNode, ...]) -> set[int]: ...

    def plan_selection(self, scope: Scope, items: tuple[SelectionNode, ...]) -> set[int]: ...

    def is_local(self, scope: Scope, name: str) -> bool: ...

    @property
    def root_place(self) -> RootPlace | None: ...


@dataclass(frozen=True, slots=True)
class Target:
    """Where to jump: a subgraph, and the type the representation is for there."""

    graph: str
    entity_type: str


def _field_name(item: SelectionNode) -> str | None:
    if isinstance(item, FieldNode) and item.name.value != "__typename":
        return item.name.value
    return None


def candidates(planner: Planner, scope: Scope, item: SelectionNode) -> list[Target]:
    view, type_name, service = planner.view, scope.type_name, scope.group.service
    name = _field_name(item)
    found: list[Target] = []
    for graph in view.graphs:
        if name is None:
            real = view.has_type(type_name, graph) and not view.is_interface_object(
                type_name, graph
            )
            ok = real and graph != service
        else:
            needs_jump = (
                graph != service
                or view.requires(type_name, name, graph) is not None
                or bool(view.contexts(type_name, name, graph))
            )
            ok = needs_jump and view.resolves(type_name, name, graph)
        if ok and view.keys(type_name, graph):
            found.append(Target(graph, type_name))
        if name is None:
            continue
        found.extend(
            Target(graph, interface)
            for interface in view.interface_objects_of(type_name)
            if view.resolves(interface, name, graph) and view.keys(interface, graph)
        )
    return [t for t in found if (t.entity_type, t.graph) not in scope.hops]


def _local_key(planner: Planner, scope: Scope, key: Key) -> bool:
    return all(
        planner.is_local(scope, node.name.value)
        for node in key.selection.selections
        if isinstance(node, FieldNode)
    )


def _best(
    planner: Planner,
    scope: Scope,
    options: dict[int, list[Target]],
    pending: list[SelectionNode],
) -> Target:
    """Most items per fetch; among equals, one that resolves each item's whole selection
    (without further jumps) as far as any target does, then the supergraph's order."""
    view = planner.view
    counts: dict[Target, int] = {}
    complete: dict[Target, bool] = {}
    for index, targets in options.items():
        item = (pending[index],)
        reach = {t: coverage(view, t.graph, t.entity_type, item) for t in dict.fromkeys(targets)}
        most = max(reach.values())
        for target, covered in reach.items():
            counts[target] = counts.get(target, 0) + 1
            complete[target] = complete.get(target, True) and covered == most
    order = list(view.graphs)

    def score(target: Target) -> tuple[bool, int, bool, int]:
        keys = view.keys(target.entity_type, target.graph)
        at_hand = any(_local_key(planner, scope, key) for key in keys)
        return (at_hand, counts[target], complete[target], -order.index(target.graph))

    return max(counts, key=score)


def plan_remote(planner: Planner, scope: Scope, items: tuple[SelectionNode, ...]) -> set[int]:
    """Send each item to a subgraph that can resolve it, in as few fetches as possible."""
    touched: set[int] = set()
    pending = list(items)
    while pending:
        options = {i: candidates(planner, scope, item) for i, item in enumerate(pending)}
        stuck = tuple(pending[i] for i, targets in options.items() if not targets)
        if stuck:
            touched |= climb(planner, scope, stuck)
            pending = [item for item in pending if item not in stuck]
            continue
        target = _best(planner, scope, options, pending)
        taken = tuple(pending[i] for i, targets in options.items() if target in targets)
        pending = [item for item in pending if item not in taken]
        touched |= _send(planner, scope, target, taken)
    return touched


def climb(planner: Planner, scope: Scope, items: tuple[SelectionNode, ...]) -> set[int]:
    """Ask the parent position (or another subgraph's root) for `items` (see `climb.py`)."""
    names = ", ".join(_field_name(s) or "__typename" for s in items)
    message = f"no subgraph can resolve {scope.type_name}.{{{names}}} from {scope.group.service}"
    try:
        if scope.path and scope.type_name == planner.view.supergraph.root_types.get("query"):
            return _reenter(planner, scope, items, message)
        up = wrap_for_parent(planner.view, scope, items)
        if up is not None:
            parent, wrapped = up
            return _ask_parent(planner, parent, wrapped)
        if planner.root_place is None or scope.path or scope.parent is not None:
            raise PlanningError(message)
        graph = choose_other_root(planner.view, scope, items)
        if graph is None:
            raise PlanningError(message)
        return planner.plan_object(root_scope(scope, planner.root_place(graph)), items)
    except PlanningError:
        raise PlanningError(message) from None


def _ask_parent(planner: Planner, parent: Scope, wrapped: FieldNode) -> set[int]:
    """Jump from the parent position for `wrapped`; a field selected on an interface or union
    is asked of each object type the subgraph may return there, which carry the keys."""
    view, service = planner.view, parent.group.service
    if not view.is_abstract(parent.type_name) or view.is_interface_object(
        parent.type_name, service
    ):
        return plan_remote(planner, parent, (wrapped,))
    touched: set[int] = set()
    for runtime in safe_members(view, parent):
        if view.field(runtime, wrapped.name.value) is None:
            continue
        narrowed = parent.at(type_name=runtime, out=parent.out.add_fragment(runtime))
        touched |= plan_remote(planner, narrowed, (wrapped,))
    return touched


def _reenter(
    planner: Planner, scope: Scope, items: tuple[SelectionNode, ...], message: str
) -> set[int]:
    """A field returned the query type: ask another subgraph's root for the rest, at that path."""
    graph = choose_other_root(planner.view, scope, items)
    if graph is None:
        raise PlanningError(message)
    scope.out.add_typename()  # the object the answer merges into must exist
    group = planner.groups.reentry(graph, scope.path, {scope.group.id}, scope.conditions)
    inner = root_scope(scope, group).at(path=scope.path)
    return planner.plan_object(inner, items) | {group.id}


def _send(
    planner: Planner, scope: Scope, target: Target, items: tuple[SelectionNode, ...]
) -> set[int]:
    """Jump with the plain fields first, then once per field with `@requires`.

    Plain fields go first so that a client field keeps its response key, and a `@requires`
    input selecting the same field with other arguments is the one aliased.
    """
    view = planner.view
    needs: dict[int, SelectionSetNode | None] = {}
    for index, item in enumerate(items):
        name = _field_name(item)
        requires = view.requires(target.entity_type, name, target.graph) if name else None
        if requires is not None or (name and view.contexts(target.entity_type, name, target.graph)):
            needs[index] = requires
    plain = tuple(item for index, item in enumerate(items) if index not in needs)
    touched = jump(planner, scope, target, plain, None) if plain else set()
    for index, requires in needs.items():
        touched |= jump(planner, scope, target, (items[index],), requires, contextual=True)
    return touched


def jump(
    planner: Planner,
    scope: Scope,
    target: Target,
    items: tuple[SelectionNode, ...],
    requires: SelectionSetNode | None,
    *,
    contextual: bool = False,
) -> set[int]:
    """Add an `_entities` fetch for `items`, after the groups holding its key and requires.

    A `contextual` jump is for one field with `@requires` or context arguments (or both): it
    is marked satisfied in the new fetch, and its context values are planned (`contexts.py`)."""
    view, type_name = planner.view, scope.type_name
    keys = view.keys(target.entity_type, target.graph)
    key = next((k for k in keys if _local_key(planner, scope, k)), keys[0])
    hops = scope.hops | {(target.entity_type, target.graph)}
    had_typename = "__typename|" in scope.out.items
    scope.out.add_typename()
    before = set(scope.out.items)
    renames: dict[tuple[tuple[str, ...], str], str] = {}
    inputs = scope.at(hops=hops, planned=True, renames=renames)
    if _key_from_representation(planner, scope, key):
        # The key is `@external` here, so the data this fetch started from holds it already.
        parents = set(scope.group.parents)
    else:
        parents = planner.plan_object(inputs, key.selection.selections)
    if scope.group.id not in parents and not had_typename:
        del scope.out.items["__typename|"]  # the key (and its type) come from elsewhere
    scope.out.promote(before)
    if requires is not None:
        # Inputs may come from the target subgraph itself (an earlier fetch), so no hop guard.
        out = scope.requires_out or scope.out
        parents |= planner.plan_object(inputs.at(hops=scope.hops, out=out), requires.selections)
    context_inputs: list[ContextInput] = []
    if contextual and isinstance(items[0], FieldNode):
        context_inputs, context_parents = plan_context_inputs(
            planner, scope, target.graph, items[0]
        )
        parents |= context_parents
    renamed = {name: alias for (path, name), alias in renames.items() if path == scope.path}
    variant = tuple(sorted(renamed.items()))
    group = planner.groups.entity(target.graph, scope.path, parents, scope.conditions, variant)
    representation = group.requires.add_fragment(type_name)
    representation.add_typename()
    representation.add_node(key.selection)
    if requires is not None:
        representation.add_node(requires)
    _read_renamed(group, type_name, representation, renamed)
    if view.is_interface_object(target.entity_type, target.graph):
        setter = ValueSetter(
            path=(f"... on {type_name}", "__typename"), set_value_to=target.entity_type
        )
        if setter not in group.input_rewrites:
            group.input_rewrites.append(setter)
    out = group.selection.add_fragment(target.entity_type)
    satisfied = frozenset(n for n in map(_field_name, items) if n) if contextual else frozenset()
    if context_inputs:
        assert isinstance(items[0], FieldNode)
        items = (bind_contexts(group, items[0], context_inputs),)
    child = scope.at(
        group=group,
        type_name=target.entity_type,
        out=out,
        provided=None,
        hops=hops,
        satisfied=satisfied,
        renames=scope.renames,
        requires_out=None,
        keys_at_hand=True,
        origin=scope,
    )
    return planner.plan_selection(child, items) | parents


def _key_from_representation(planner: Planner, scope: Scope, key: Key) -> bool:
    """Whether `key` has a field this subgraph does not resolve, but the representation
    this entity fetch starts from carries the whole key."""
    if not scope.keys_at_hand or not scope.group.entity:
        return False
    service = scope.group.service
    if all(
        planner.view.resolves(scope.type_name, node.name.value, service)
        for node in key.selection.selections
        if isinstance(node, FieldNode)
    ):
        return False
    fragment = scope.group.requires.items.get(f"...{scope.type_name}|")
    return isinstance(fragment, FragmentItem) and _covers(fragment.sub, key.selection)


def _covers(sel: Sel, selection: SelectionSetNode) -> bool:
    for node in selection.selections:
        if not isinstance(node, FieldNode):
            return False
        item = sel.items.get(f"{node.name.value}|")
        if not isinstance(item, FieldItem):
            return False
        if node.selection_set is not None and (
            item.sub is None or not _covers(item.sub, node.selection_set)
        ):
            return False
    return True


def _read_renamed(
    group: Group, type_name: str, representation: Sel, renamed: dict[str, str]
) -> None:
    """Representations read aliased inputs under their alias; an input rewrite renames them."""
    for name, alias in renamed.items():
        item = representation.items.get(f"{name}|")
        if not isinstance(item, FieldItem) or item.name != name:
            continue
        item.name = alias
        renamer = KeyRenamer(path=(f"... on {type_name}", alias), rename_key_to=name)
        if renamer not in group.input_rewrites:
            group.input_rewrites.append(renamer)
