"""State shared by the merge steps: the subgraphs, graph enum names and the problems found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gateway.composition.errors import CompositionError, Location
from gateway.composition.model import Subgraph

__all__ = ["MergeContext", "graph_enum_values"]


def graph_enum_values(names: list[str]) -> dict[str, str]:
    """`join__Graph` value per subgraph name: upper-cased, non-word characters as `_`, unique."""
    values: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        value = re.sub(r"\W", "_", name).upper()
        if value[:1].isdigit():
            value = "_" + value
        candidate, counter = value, 1
        while candidate in taken:
            candidate = f"{value}_{counter}"
            counter += 1
        taken.add(candidate)
        values[name] = candidate
    return values


@dataclass(slots=True, kw_only=True)
class MergeContext:
    """Read-only subgraph facts and the growing list of errors."""

    subgraphs: dict[str, Subgraph]
    enum_values: dict[str, str]
    implementations: dict[str, set[str]] = field(default_factory=dict)
    union_members: dict[str, set[str]] = field(default_factory=dict)
    errors: list[CompositionError] = field(default_factory=list)

    def is_subtype(self, sub: str, sup: str) -> bool:
        return sub in self.implementations.get(sup, set()) or sub in self.union_members.get(
            sup, set()
        )

    def error(self, code: str, message: str, *where: tuple[str, str]) -> None:
        """Record an error; each `where` is (subgraph, coordinate)."""
        locations = tuple(
            Location(subgraph=graph, coordinate=coordinate, line=self._line(graph, coordinate))
            for graph, coordinate in where
        )
        self.errors.append(CompositionError(code=code, message=message, locations=locations))

    def _line(self, graph: str, coordinate: str) -> int | None:
        subgraph = self.subgraphs.get(graph)
        if subgraph is None:
            return None
        type_name, _, field_name = coordinate.partition(".")
        typedef = subgraph.types.get(type_name)
        if typedef is None:
            return None
        if field_name:
            found = typedef.fields.get(field_name.partition("(")[0])
            if found is not None:
                return found.line
            input_found = typedef.input_fields.get(field_name)
            return input_found.line if input_found is not None else typedef.line
        return typedef.line

    def collect_abstract_types(self) -> None:
        for subgraph in self.subgraphs.values():
            for typedef in subgraph.types.values():
                for interface in typedef.interfaces:
                    self.implementations.setdefault(interface, set()).add(typedef.name)
                if typedef.kind == "union":
                    self.union_members.setdefault(typedef.name, set()).update(typedef.members)
