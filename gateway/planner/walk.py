"""Split a selection between the current subgraph and the ones it must jump to.

The Federation-1-era design, extended for Federation 2: walk the client's selection from the
current subgraph; a field it can resolve (itself, or because the path came through a
`@provides`) stays in the current fetch; the others go to entity fetches in other subgraphs
(see `entities.py`). Every method returns the ids of the groups that now hold the data it was
asked for, so a later fetch can depend on exactly those.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DirectiveNode,
    FieldNode,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
)

from gateway.operation import defer_label, defer_mark, without_defer_mark
from gateway.planner.climb import RootPlace
from gateway.planner.contexts import context_stays_local, plan_local_contexts
from gateway.planner.entities import Target, jump, plan_remote
from gateway.planner.graph import SubgraphView, list_depth
from gateway.planner.groups import Groups
from gateway.planner.members import safe_members
from gateway.planner.normalize import Condition, conditions_of, without_conditions
from gateway.planner.scope import Scope, provided_child, provides_field

__all__ = ["Walker"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Walker:
    """Plans selections into fetch groups."""

    view: SubgraphView
    groups: Groups
    root_place: RootPlace | None = None

    def plan_selection(self, scope: Scope, items: tuple[SelectionNode, ...]) -> set[int]:
        view = self.view
        abstract = view.is_abstract(scope.type_name)
        if abstract and not view.is_interface_object(scope.type_name, scope.group.service):
            return self.plan_abstract(scope, items)
        return self.plan_object(scope, items)

    def plan_abstract(self, scope: Scope, items: tuple[SelectionNode, ...]) -> set[int]:
        """Keep the client's shape when the subgraph can, otherwise expand per runtime type."""
        scope.out.add_typename()
        if self.keeps_shape(scope, items):
            return self.plan_object(scope, items)
        touched = {scope.group.id}
        runtimes = safe_members(self.view, scope)
        if not runtimes:
            # No object type here can hold the abstract type's own fields: find them elsewhere.
            direct = tuple(n for n in items if isinstance(n, FieldNode) and not _is_typename(n))
            return touched | (plan_remote(self, scope, direct) if direct else set())
        for runtime in runtimes:
            narrowed = self.collect(runtime, items)
            if not any(not _is_typename(n) for n in narrowed):
                continue
            sub = scope.out.add_fragment(runtime)
            touched |= self.plan_object(scope.at(type_name=runtime, out=sub), narrowed)
        return touched

    def keeps_shape(self, scope: Scope, items: tuple[SelectionNode, ...]) -> bool:
        """Whether the client's abstract selection can be sent as written: every field on the
        abstract type itself resolves here (or on the interface in another subgraph), and
        fragments name object types (planned on their own)."""
        return all(self._keeps(scope, node) for node in items)

    def _keeps(self, scope: Scope, node: SelectionNode) -> bool:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            if condition is not None and condition != scope.type_name:
                return not self.view.is_abstract(condition)
            return self.keeps_shape(scope, node.selection_set.selections)
        if not isinstance(node, FieldNode) or _is_typename(node):
            return True
        name = node.name.value
        if self.is_local(scope, name):
            return self._implementations_resolve(scope, name)
        return self._interface_jump(scope, name)

    def _implementations_resolve(self, scope: Scope, name: str) -> bool:
        """Whether every object type the subgraph may return resolves the field itself: an
        implementation whose field is `@external` or overridden must be asked elsewhere."""
        if self.view.is_interface_object(scope.type_name, scope.group.service):
            return True
        return all(
            self.is_local(scope.at(type_name=runtime), name)
            for runtime in self.view.runtime_types(scope.type_name, scope.group.service)
        )

    def _interface_jump(self, scope: Scope, name: str) -> bool:
        """Whether an interface field missing here can be fetched on the interface itself."""
        view, service, type_name = self.view, scope.group.service, scope.type_name
        if not view.all_keys(type_name, service):
            return False
        return any(
            view.resolves(type_name, name, g) and view.keys(type_name, g)
            for g in view.graphs
            if g != service
        )

    def collect(
        self, type_name: str, items: tuple[SelectionNode, ...]
    ) -> tuple[SelectionNode, ...]:
        """The selections that apply to objects of one runtime type, fragments flattened."""
        found: list[SelectionNode] = []
        for node in items:
            if not isinstance(node, InlineFragmentNode):
                found.append(node)
                continue
            condition = node.type_condition.name.value if node.type_condition else None
            if not self.view.applies(type_name, condition):
                continue
            inner = self.collect(type_name, node.selection_set.selections)
            if node.directives:
                found.append(_conditional(node, inner))
            else:
                found.extend(inner)
        return tuple(found)

    def is_local(self, scope: Scope, name: str) -> bool:
        view, service, type_name = self.view, scope.group.service, scope.type_name
        if name == "__typename":
            return not view.is_interface_object(type_name, service)
        if provides_field(view, scope, name):
            return True
        info = view.in_graph(type_name, name, service)
        if info is not None and info.requires is not None:
            return name in scope.satisfied
        if info is not None and info.context_arguments:
            return name in scope.satisfied or context_stays_local(self, scope, name)
        if view.resolves(type_name, name, service):
            return True
        # An `@external` key field: only the representation of an entity fetch carries it.
        return (
            scope.keys_at_hand
            and any(
                any(
                    n.name.value == name
                    for n in key.selection.selections
                    if isinstance(n, FieldNode)
                )
                for key in view.all_keys(type_name, service)
            )
            and view.in_graph(type_name, name, service) is not None
        )

    def plan_object(self, scope: Scope, items: tuple[SelectionNode, ...]) -> set[int]:
        """Plan selections on one type in the current subgraph; jump for the rest.

        The current group counts as touched only when something is planned in it, so a key
        that must come from elsewhere (a climb) does not make the next fetch wait for it."""
        touched: set[int] = set()
        remote: list[SelectionNode] = []
        for node in items:
            if isinstance(node, InlineFragmentNode):
                touched |= self._fragment(scope, node, remote)
            elif isinstance(node, FieldNode) and self.is_local(scope, node.name.value):
                touched |= self._local_field(scope, node)
            elif isinstance(node, FieldNode):
                remote.append(node)
        return touched | self._remote(scope, remote)

    def _remote(self, scope: Scope, remote: list[SelectionNode]) -> set[int]:
        """Jump for `remote`; a field under a variable `@skip`/`@include` gets its own fetch,
        guarded by a Condition node, and the `@requires` inputs it needs are fetched under the
        same condition."""
        batches: dict[tuple[Condition, ...], list[SelectionNode]] = {}
        guards: dict[tuple[Condition, ...], tuple[DirectiveNode, ...]] = {}
        for node in remote:
            directives = tuple(d for d in node.directives or () if _is_condition(d))
            conditions = conditions_of(directives)
            guards[conditions] = directives
            batch = batches.setdefault(conditions, [])
            batch.append(without_conditions(node) if conditions else node)
        touched: set[int] = set()
        for conditions, nodes in batches.items():
            inner = scope
            if conditions:
                out = scope.out.add_fragment(scope.type_name, guards[conditions])
                inner = scope.at(conditions=scope.conditions + conditions, requires_out=out)
            touched |= plan_remote(self, inner, tuple(nodes))
        return touched

    def _fragment(
        self, scope: Scope, node: InlineFragmentNode, remote: list[SelectionNode]
    ) -> set[int]:
        mark = defer_mark(tuple(node.directives or ()))
        if mark is not None:
            return self._deferred(scope, node, mark)
        view, type_name = self.view, scope.type_name
        condition = node.type_condition.name.value if node.type_condition else None
        directives = tuple(node.directives or ())
        items = node.selection_set.selections
        if condition is None or condition == type_name or not view.is_abstract(type_name):
            if not view.applies(type_name, condition):
                return set()
            if not directives:
                return self.plan_object(scope, items)
            kept = condition if condition == type_name else None
            sub = scope.out.add_fragment(kept, directives)
            conditions = scope.conditions + conditions_of(directives)
            return self.plan_object(scope.at(out=sub, conditions=conditions), items)
        if view.is_interface_object(type_name, scope.group.service):
            remote.append(node)
            return set()
        if condition not in safe_members(view, scope):
            return set()
        sub = scope.out.add_fragment(condition, directives)
        conditions = scope.conditions + conditions_of(directives)
        inner = scope.at(type_name=condition, out=sub, conditions=conditions)
        return self.plan_selection(inner, items)

    def _deferred(self, scope: Scope, node: InlineFragmentNode, mark: int) -> set[int]:
        """A deferred fragment: the fetches it needs serve it alone and run after the part
        it is in. As in Apollo's plans, fields of an entity that the current subgraph resolves
        are asked again by key (`_entities`), so a slow field never holds back the first part;
        those of a value type (no key to ask by) stay in the current fetch and are delivered
        with the deferred part. The marker never reaches a subgraph."""
        directives = without_defer_mark(tuple(node.directives or ()))
        outer = self.groups.defer
        with self.groups.deferred(mark, defer_label(tuple(node.directives or ())), scope.path):
            items = node.selection_set.selections
            touched: set[int] = set()
            local = self._refetched(scope, node, directives)
            if local:
                target = Target(scope.group.service, scope.type_name)
                touched = jump(self, scope, target, local, None)
                items = tuple(n for n in items if n not in local)
            plain = InlineFragmentNode(
                type_condition=node.type_condition,
                directives=directives,
                selection_set=SelectionSetNode(selections=items),
            )
            remote: list[SelectionNode] = []
            touched |= self._fragment(scope, plain, remote) | self._remote(scope, remote)
        # Nothing outside the fragment may wait for a fetch that runs only after the answer.
        return {g for g in touched if self.groups.items[g].defer == outer}

    def _refetched(
        self, scope: Scope, node: InlineFragmentNode, directives: tuple[DirectiveNode, ...]
    ) -> tuple[FieldNode, ...]:
        """The deferred fragment's fields to ask the current subgraph for again by key: its
        plain fields resolved here, when the object is an entity with a key here (not the
        root, not an abstract type, no condition on the fragment)."""
        view, type_name, service = self.view, scope.type_name, scope.group.service
        condition = node.type_condition.name.value if node.type_condition else type_name
        if directives or condition != type_name or not scope.path or scope.planned:
            return ()
        if view.is_abstract(type_name) or not view.keys(type_name, service):
            return ()
        if (type_name, service) in scope.hops:
            return ()
        return tuple(
            n
            for n in node.selection_set.selections
            if isinstance(n, FieldNode)
            and not _is_typename(n)
            and self.is_local(scope, n.name.value)
        )

    def _local_field(self, scope: Scope, node: FieldNode) -> set[int]:
        name = node.name.value
        if name not in scope.satisfied and self.view.contexts(
            scope.type_name, name, scope.group.service
        ):
            node = plan_local_contexts(self, scope, node)
        key = node.alias.value if node.alias else name
        directives = tuple(node.directives or ())
        if name == "__typename":
            scope.out.add_field(name, alias=node.alias.value if node.alias else None)
            return {scope.group.id}
        definition = self.view.field(scope.type_name, name)
        composite = node.selection_set is not None and definition is not None
        item = scope.out.add_field(
            name,
            alias=node.alias.value if node.alias else None,
            arguments=tuple(node.arguments or ()),
            directives=directives,
            composite=composite,
            planned=scope.planned,
        )
        if item.alias is not None and item.alias != (node.alias.value if node.alias else None):
            if scope.renames is not None:
                scope.renames[(scope.path, name)] = item.alias
            key = item.alias
        if not composite or item.sub is None or definition is None:
            return {scope.group.id}
        declared = get_named_type(definition.type).name
        child_type = self.view.child_type(scope.type_name, name, scope.group.service) or declared
        if child_type != declared and self.view.is_abstract(declared):
            # The client sees an abstract type: shaping needs the runtime type.
            item.sub.add_typename()
        provided = provided_child(self.view, scope, name)
        own = self.view.provides(scope.type_name, name, scope.group.service)
        child = scope.at(
            type_name=child_type,
            path=scope.path + (key,) + ("@",) * list_depth(definition.type),
            out=item.sub,
            provided=own if own is not None else provided,
            conditions=scope.conditions + conditions_of(directives),
            hops=frozenset(),
            satisfied=frozenset(),
            requires_out=None,
            parent=scope,
            via=node,
            keys_at_hand=False,
            origin=None,
        )
        assert node.selection_set is not None
        return self.plan_selection(child, node.selection_set.selections)


def _is_condition(directive: DirectiveNode) -> bool:
    return directive.name.value in ("skip", "include")


def _is_typename(node: SelectionNode) -> bool:
    return isinstance(node, FieldNode) and node.name.value == "__typename"


def _conditional(node: InlineFragmentNode, inner: tuple[SelectionNode, ...]) -> SelectionNode:
    return InlineFragmentNode(
        type_condition=None,
        directives=node.directives,
        selection_set=SelectionSetNode(selections=inner),
    )
