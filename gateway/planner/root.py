"""Root fields: which subgraph each top-level field goes to.

A field only one subgraph resolves goes there. A shared (`@shareable`) root field goes to the
subgraph that resolves the most of its selection without a jump, then to one already used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from graphql import FieldNode, InlineFragmentNode, SelectionNode

from gateway.operation import defer_label, defer_mark, without_defer_mark
from gateway.planner.coverage import coverage
from gateway.planner.entities import PlanningError
from gateway.planner.graph import SubgraphView
from gateway.planner.groups import Group, Groups
from gateway.planner.normalize import Condition, conditions_of
from gateway.planner.scope import Scope
from gateway.planner.selections import Sel
from gateway.planner.walk import Walker

__all__ = ["Place", "RootPlanner", "choose_root_service"]

Place = Callable[[str], tuple[Walker, Group]]
"""Gives the root group for a subgraph (mutations start a new one when the subgraph changes)."""

_UNPLANNED = {"__typename", "__schema", "__type"}


def rank_root_services(
    view: SubgraphView, root_type: str, node: FieldNode, used: tuple[str, ...]
) -> list[str]:
    """The subgraphs resolving a root field, best first: the most of its selection without a
    jump, then one already used, then the supergraph's order."""
    graphs = view.resolving_graphs(root_type, node.name.value)
    if not graphs:
        raise PlanningError(f"no subgraph resolves {root_type}.{node.name.value}")
    order = list(view.graphs)

    def score(graph: str) -> tuple[int, bool, int]:
        covered = coverage(view, graph, root_type, (node,))
        return (covered, graph in used, -order.index(graph))

    return sorted(graphs, key=score, reverse=True)


def choose_root_service(
    view: SubgraphView, root_type: str, node: FieldNode, used: tuple[str, ...]
) -> str:
    return rank_root_services(view, root_type, node, used)[0]


def _plannable(view: SubgraphView, root_type: str, service: str, node: FieldNode) -> bool:
    """Whether the field's whole selection can be planned starting from `service` (a dry run
    on throwaway groups, so a failed attempt leaves nothing behind)."""
    groups = Groups()
    group = groups.root(service)
    walker = Walker(view=view, groups=groups)
    try:
        walker.plan_object(Scope(group=group, type_name=root_type, path=(), out=Sel()), (node,))
    except PlanningError:
        return False
    return True


@dataclass(frozen=True, slots=True, kw_only=True)
class RootPlanner:
    """Plans top-level selections, each field into its subgraph's root group, in order."""

    view: SubgraphView
    root_type: str
    place: Place
    used: list[str] = field(default_factory=list)
    groups: Groups | None = None
    """Where deferred root fragments are noted (queries); None ignores `@defer` markers."""

    def plan(
        self,
        items: tuple[SelectionNode, ...],
        out: Callable[[Group], Sel] = lambda group: group.selection,
        conditions: tuple[Condition, ...] = (),
    ) -> None:
        if not self.used:
            self.used.extend(self._unshared(items))
        for node in items:
            if isinstance(node, InlineFragmentNode):
                self._fragment(node, out, conditions)
            elif isinstance(node, FieldNode) and node.name.value not in _UNPLANNED:
                self._field(node, out, conditions)

    def _unshared(self, items: tuple[SelectionNode, ...]) -> list[str]:
        """Subgraphs that fields only they resolve will use anyway: shared fields join them."""
        found: list[str] = []
        for node in items:
            if isinstance(node, InlineFragmentNode):
                found.extend(self._unshared(node.selection_set.selections))
            elif isinstance(node, FieldNode) and node.name.value not in _UNPLANNED:
                graphs = self.view.resolving_graphs(self.root_type, node.name.value)
                found.extend(graphs if len(graphs) == 1 else ())
        return found

    def _fragment(
        self,
        node: InlineFragmentNode,
        out: Callable[[Group], Sel],
        conditions: tuple[Condition, ...],
    ) -> None:
        directives = tuple(node.directives or ())
        mark = defer_mark(directives)
        if mark is not None:
            plain = InlineFragmentNode(
                type_condition=node.type_condition,
                directives=without_defer_mark(directives),
                selection_set=node.selection_set,
            )
            groups = self.groups
            if groups is None:
                self._fragment(plain, out, conditions)
                return
            with groups.deferred(mark, defer_label(directives), ()):
                self._fragment(plain, out, conditions)
            return
        if not directives:
            self.plan(node.selection_set.selections, out, conditions)
            return

        def inner(group: Group) -> Sel:
            return out(group).add_fragment(None, directives)

        self.plan(node.selection_set.selections, inner, conditions + conditions_of(directives))

    def _field(
        self, node: FieldNode, out: Callable[[Group], Sel], conditions: tuple[Condition, ...]
    ) -> None:
        ranked = rank_root_services(self.view, self.root_type, node, tuple(self.used))
        # A shared root field whose best subgraph cannot reach all of its selection (a mutation
        # cannot climb to another root) starts in the first one that can.
        service = ranked[0]
        if len(ranked) > 1 and not _plannable(self.view, self.root_type, service, node):
            service = next(
                (g for g in ranked[1:] if _plannable(self.view, self.root_type, g, node)), service
            )
        self.used.append(service)
        walker, group = self.place(service)
        scope = Scope(
            group=group, type_name=self.root_type, path=(), out=out(group), conditions=conditions
        )
        walker.plan_object(scope, (node,))
