"""Fetch groups: the mutable working form of fetches while a plan is being built.

A group is one future subgraph request. Entity groups are found again by (subgraph, path,
parents, conditions), so fields for the same subgraph at the same place, needing the same
earlier data, merge into one fetch; a group needing more (a `@requires`) stays separate, so
it does not delay the others, as Apollo's planner does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from gateway.planner.normalize import Condition
from gateway.planner.plan import KeyRenamer, Rewrite
from gateway.planner.selections import Sel

__all__ = ["DeferAt", "Group", "Groups"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferAt:
    """Where a deferred fragment was met: its response path, the enclosing deferred fragment
    (None: the primary part) and its label."""

    path: tuple[str, ...]
    parent: int | None
    label: str | None


@dataclass(eq=False, slots=True, kw_only=True)
class Group:
    """One future fetch; `path` is the Flatten path (empty for root fetches). A `reentry`
    fetch is a root query run again at `path`, where a field returns the query type."""

    id: int
    service: str
    path: tuple[str, ...] = ()
    entity: bool = False
    reentry: bool = False
    selection: Sel = field(default_factory=Sel)
    requires: Sel = field(default_factory=Sel)
    parents: frozenset[int] = frozenset()
    conditions: tuple[Condition, ...] = ()
    input_rewrites: list[Rewrite] = field(default_factory=list)
    context_rewrites: list[KeyRenamer] = field(default_factory=list)
    context_variables: dict[str, str] = field(default_factory=dict)
    context_bindings: dict[tuple[str, str], str] = field(default_factory=dict)
    defer: int | None = None
    """The deferred fragment this fetch serves (None: the primary part)."""


@dataclass(slots=True)
class Groups:
    """All groups of a plan, in creation order."""

    items: list[Group] = field(default_factory=list)
    _entities: dict[tuple[object, ...], Group] = field(default_factory=dict)
    defer: int | None = None
    """The deferred fragment being planned: groups made meanwhile serve it alone."""
    defers: dict[int, DeferAt] = field(default_factory=dict)
    """Every deferred fragment met, by marker id."""

    @contextmanager
    def deferred(self, mark: int, label: str | None, path: tuple[str, ...]) -> Iterator[None]:
        """Plan a deferred fragment: fetches made meanwhile serve it alone."""
        outer = self.defer
        self.defers[mark] = DeferAt(path=path, parent=outer, label=label)
        self.defer = mark
        try:
            yield
        finally:
            self.defer = outer

    def root(self, service: str) -> Group:
        group = Group(id=len(self.items), service=service, defer=self.defer)
        self.items.append(group)
        return group

    def ancestors(self, group_id: int) -> set[int]:
        found: set[int] = set()
        stack = list(self.items[group_id].parents)
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self.items[current].parents)
        return found

    def reduce(self, parents: set[int]) -> frozenset[int]:
        """Drop parents that other parents already wait for."""
        implied: set[int] = set()
        for parent in parents:
            implied |= self.ancestors(parent)
        return frozenset(parents - implied)

    def entity(
        self,
        service: str,
        path: tuple[str, ...],
        parents: set[int],
        conditions: tuple[Condition, ...],
        variant: tuple[tuple[str, str], ...] = (),
    ) -> Group:
        """The entity group for these inputs; `variant` keeps apart fetches whose
        representations read aliased inputs (one `_entities` call has one `price`)."""
        return self._placed("entity", service, path, parents, conditions, variant)

    def reentry(
        self,
        service: str,
        path: tuple[str, ...],
        parents: set[int],
        conditions: tuple[Condition, ...],
    ) -> Group:
        """The root query fetch of `service` run at `path` (a field returning the query type)."""
        return self._placed("reentry", service, path, parents, conditions, ())

    def _placed(
        self,
        kind: str,
        service: str,
        path: tuple[str, ...],
        parents: set[int],
        conditions: tuple[Condition, ...],
        variant: tuple[tuple[str, str], ...],
    ) -> Group:
        """The group of this kind found again by its inputs, or a new one."""
        reduced = self.reduce(parents)
        key = (kind, service, path, reduced, conditions, variant, self.defer)
        group = self._entities.get(key)
        if group is None:
            group = Group(
                id=len(self.items),
                service=service,
                path=path,
                entity=kind == "entity",
                reentry=kind == "reentry",
                parents=reduced,
                conditions=conditions,
                defer=self.defer,
            )
            self.items.append(group)
            self._entities[key] = group
        return group
