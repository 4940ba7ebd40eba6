"""Alias fields that the subgraph would refuse to merge, and rename them back in its answer.

GraphQL lets two fragments on different object types select the same response name only
when both fields have the same shape ("FieldsInSetCanMerge", spec 5.3.2). The client's
operation passed that rule against the supergraph, but a subgraph may type the fields
differently (`User.id: ID!` beside `Admin.id: ID` there, both `ID` in the supergraph), and
then it rejects our fetch as invalid. As Apollo's planner does, every shape after the first
under one response name gets an alias (`id__alias_0`), and a `KeyRenamer` output rewrite
puts the answer back under the client's name before merging. Deeper renames come first, so
their paths can use the aliases the subgraph answered with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.planner.graph import SubgraphView
from gateway.planner.groups import Group
from gateway.planner.plan import KeyRenamer
from gateway.planner.selections import FieldItem, Sel

__all__ = ["alias_conflicts"]

Path = tuple[str, ...]


@dataclass(slots=True)
class _Entry:
    item: FieldItem
    parent: str
    path: Path


@dataclass(slots=True)
class _Aliaser:
    view: SubgraphView
    graph: str
    found: list[tuple[int, KeyRenamer]] = field(default_factory=list)
    count: int = 0

    def shape(self, entry: _Entry) -> str:
        """The field's type in the subgraph, with composite type names left out: objects,
        interfaces and unions of any name merge, only their wrappers must agree."""
        info = self.view.in_graph(entry.parent, entry.item.name, self.graph)
        if info is not None and info.type is not None:
            printed = info.type.replace(" ", "")
        else:
            definition = self.view.field(entry.parent, entry.item.name)
            printed = str(definition.type) if definition is not None else ""
        if entry.item.sub is None:
            return printed
        named = printed.strip("[]!")
        return printed.replace(named, "{}", 1) if named else printed

    def child(self, entry: _Entry) -> str:
        named = self.view.child_type(entry.parent, entry.item.name, self.graph)
        return named if named is not None else entry.parent

    def collect(self, sel: Sel, parent: str, path: Path, into: dict[str, list[_Entry]]) -> None:
        for item in sel.items.values():
            if isinstance(item, FieldItem):
                if item.name != "__typename":
                    into.setdefault(item.alias or item.name, []).append(_Entry(item, parent, path))
                continue
            condition = item.type_condition
            inner = (*path, f"... on {condition}") if condition else path
            self.collect(item.sub, condition or parent, inner, into)

    def resolve(self, sels: list[tuple[Sel, str, Path]]) -> None:
        """Check a set of selections that land in one response object, then their children."""
        by_key: dict[str, list[_Entry]] = {}
        for sel, parent, path in sels:
            self.collect(sel, parent, path, by_key)
        for key, entries in by_key.items():
            shapes: dict[str, list[_Entry]] = {}
            for entry in entries:
                shapes.setdefault(self.shape(entry), []).append(entry)
            for index, members in enumerate(shapes.values()):
                name = key
                if index > 0:
                    name = f"{key}__alias_{self.count}"
                    self.count += 1
                    for entry in members:
                        entry.item.alias = name
                        renamer = KeyRenamer(path=(*entry.path, name), rename_key_to=key)
                        self.found.append((len(entry.path), renamer))
                children = [
                    (entry.item.sub, self.child(entry), (*entry.path, name))
                    for entry in members
                    if entry.item.sub is not None
                ]
                if children:
                    self.resolve(children)


def alias_conflicts(group: Group, view: SubgraphView, root_type: str) -> tuple[KeyRenamer, ...]:
    """Alias conflicting fields in the group's selection (in place); the renames, deepest first."""
    aliaser = _Aliaser(view=view, graph=group.service)
    aliaser.resolve([(group.selection, root_type, ())])
    ordered = sorted(aliaser.found, key=lambda found: -found[0])
    return tuple(renamer for _, renamer in ordered)
