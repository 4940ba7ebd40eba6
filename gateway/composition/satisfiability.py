"""Satisfiability: every field of the supergraph must be reachable from a root through keys.

We walk the supergraph's query paths from each root. For a path we keep the set of places a
planner could be at: (type, subgraph, fields provided on the path). A field can be resolved from
such a place if that subgraph resolves it, or if a chain of resolvable keys leads to a subgraph
that does (its `@requires` satisfiable there too). A path where no place can resolve the next
field is an error carrying that path as an example query, like Apollo's SATISFIABILITY_ERROR.
A field with `@fromContext` arguments resolves only below a type that sets each context (the
contexts set strictly above the current position travel with the path).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from gateway.composition.errors import CompositionError, Location, codes
from gateway.composition.fieldsets import selected_fields
from gateway.composition.model import Subgraph, TypeDef, base_type, field_set_names
from gateway.composition.supermodel import Supergraph
from gateway.composition.validate_context import parse_reference

__all__ = ["check_satisfiability"]


@dataclass(frozen=True, slots=True)
class _Place:
    type: str
    graph: str
    provided: frozenset[str] = frozenset()


_Path = tuple[str, ...]
_COMPOSITE = ("object", "interface", "union")


class _Checker:
    """Holds the supergraph, per-graph lookups and the errors found so far."""

    def __init__(self, supergraph: Supergraph, subgraphs: dict[str, Subgraph]) -> None:
        self.supergraph = supergraph
        self.subgraphs = subgraphs
        self.errors: dict[str, CompositionError] = {}
        self._closures: dict[_Place, frozenset[str]] = {}

    def typedef(self, graph: str, type_name: str) -> TypeDef | None:
        return self.subgraphs[graph].types.get(type_name)

    def local(self, place: _Place, field: str) -> bool:
        """Whether the place's subgraph resolves `field` itself (or it was provided on the path)."""
        stype = self.supergraph.types[place.type]
        sfield = stype.fields.get(field)
        typedef = self.typedef(place.graph, place.type)
        if sfield is None or typedef is None or field not in typedef.fields:
            return False
        if place.graph in sfield.resolved_in:
            return True
        return f"{place.type}.{field}" in place.provided and typedef.fields[field].external

    def _key_fields_local(self, place: _Place, graph: str, key: str) -> bool:
        subgraph = self.subgraphs[graph]
        for coordinate in selected_fields(subgraph, place.type, key):
            type_name, _, name = coordinate.partition(".")
            nested = _Place(type_name, place.graph, place.provided)
            if type_name not in self.supergraph.types or not self.local(nested, name):
                return False
        return True

    def closure(self, place: _Place) -> frozenset[str]:
        """Every subgraph a chain of resolvable keys can take an object at `place` to."""
        if place in self._closures:
            return self._closures[place]
        reached = {place.graph}
        changed = True
        while changed:
            arrivals = [
                graph
                for graph in self.supergraph.types[place.type].sources
                if graph not in reached and self._can_enter(place, graph, reached)
            ]
            reached.update(arrivals)
            changed = bool(arrivals)
        self._closures[place] = frozenset(reached)
        return self._closures[place]

    def _can_enter(self, place: _Place, graph: str, reached: set[str]) -> bool:
        """Whether some resolvable key of the type in `graph` can be fed from a reached graph."""
        typedef = self.typedef(graph, place.type)
        keys = [k.fields for k in typedef.keys if k.resolvable] if typedef else []
        return any(
            self._key_fields_local(self._at(place, g), graph, key) for key in keys for g in reached
        )

    @staticmethod
    def _at(place: _Place, graph: str) -> _Place:
        """The object seen in `graph`; fields provided on the path hold only where provided."""
        return _Place(place.type, graph, place.provided if graph == place.graph else frozenset())

    def _requires_ok(self, place: _Place, graph: str, field: str, reach: Iterable[str]) -> bool:
        typedef = self.typedef(graph, place.type)
        requires = typedef.fields[field].requires if typedef else None
        if not requires:
            return True
        graphs = list(reach)
        for name in field_set_names(requires):
            if not any(self.local(self._at(place, g), name) for g in graphs if g != graph):
                return False
        return True

    def _contexts_ok(self, graph: str, place: _Place, field: str, active: frozenset[str]) -> bool:
        """Whether every context `field` reads in `graph` is set above this position."""
        typedef = self.typedef(graph, place.type)
        arguments = typedef.fields[field].args.values() if typedef else ()
        for argument in arguments:
            reference = parse_reference(argument.from_context or "")
            if reference is not None and f"{graph}__{reference.context}" not in active:
                return False
        return True

    def resolve(
        self, place: _Place, field: str, active: frozenset[str] = frozenset()
    ) -> list[_Place]:
        """The places a planner could be at after resolving `field` from `place`."""
        stype = self.supergraph.types[place.type]
        target = base_type(stype.fields[field].type)
        reach = self.closure(place)
        results: list[_Place] = []
        for graph in sorted(reach, key=lambda g: g != place.graph):
            candidate = self._at(place, graph)
            typedef = self.typedef(graph, place.type)
            if typedef is None or not self.local(candidate, field):
                continue
            if not self._requires_ok(place, graph, field, reach):
                continue
            if not self._contexts_ok(graph, place, field, active):
                continue
            provides = typedef.fields[field].provides
            provided = candidate.provided
            if provides:
                provided = provided | selected_fields(self.subgraphs[graph], target, provides)
            results.append(_Place(target, graph, frozenset(provided)))
        results.extend(self._through_interface_objects(place, field, reach, target))
        if not results and stype.kind == "interface":
            results = self._through_implementations(place, field, active)
        return results

    def _through_implementations(
        self, place: _Place, field: str, active: frozenset[str]
    ) -> list[_Place]:
        """An interface field no subgraph resolves as such, asked of each possible type."""
        results: list[_Place] = []
        implementations = [
            t.name for t in self.supergraph.types.values() if place.type in t.interfaces
        ]
        for object_type in implementations:
            for runtime in self.runtime_places([place], object_type):
                found = self.resolve(runtime, field, active)
                if not found:
                    return []
                results.extend(found)
        return results

    def _through_interface_objects(
        self, place: _Place, field: str, reach: frozenset[str], target: str
    ) -> list[_Place]:
        """A field an `@interfaceObject` adds is reached through the interface's key there."""
        results = []
        for interface in self.supergraph.types[place.type].interfaces:
            itype = self.supergraph.types.get(interface)
            sfield = itype.fields.get(field) if itype else None
            if itype is None or sfield is None:
                continue
            for graph in sfield.resolved_in:
                typedef = itype.sources[graph]
                keys = [k for k in typedef.keys if k.resolvable]
                if typedef.interface_object and any(
                    self._key_fields_local(_Place(place.type, g, frozenset()), graph, k.fields)
                    for k in keys
                    for g in reach
                ):
                    results.append(_Place(target, graph))
        return results

    def runtime_places(self, places: Iterable[_Place], object_type: str) -> frozenset[_Place]:
        """Where `... on object_type` continues from places of an abstract type."""
        found: set[_Place] = set()
        for place in places:
            for graph in self._concrete_graphs(place):
                if object_type in self._possible_types(graph, place.type):
                    moved = self._at(place, graph)
                    found.add(_Place(object_type, graph, moved.provided))
        return frozenset(found)

    def _possible_types(self, graph: str, abstract: str) -> list[str]:
        typedef = self.typedef(graph, abstract)
        if typedef is not None and typedef.kind == "union":
            return typedef.members
        return [t.name for t in self.subgraphs[graph].types.values() if abstract in t.interfaces]

    def _concrete_graphs(self, place: _Place) -> list[str]:
        typedef = self.typedef(place.graph, place.type)
        if typedef is None or not typedef.interface_object:
            return [place.graph]
        graphs = []
        for graph, other in self.supergraph.types[place.type].sources.items():
            if not other.interface_object and any(k.resolvable for k in other.keys):
                graphs.append(graph)
        return graphs

    def fail(self, coordinate: str, path: _Path, places: Iterable[_Place]) -> None:
        if coordinate in self.errors:
            return
        ordered = sorted(places, key=lambda p: p.graph)
        reasons = "\n".join(self._reasons(coordinate, place) for place in ordered)
        message = (
            f"The following supergraph API query:\n{_example(path)}\ncannot be satisfied by the "
            f"subgraphs because:\n{reasons}"
        )
        locations = tuple(
            Location(subgraph=p.graph, coordinate=coordinate, line=self._line(p.graph, coordinate))
            for p in ordered
        )
        self.errors[coordinate] = CompositionError(
            code=codes.SATISFIABILITY_ERROR, message=message, locations=locations
        )

    def _line(self, graph: str, coordinate: str) -> int | None:
        type_name, _, name = coordinate.partition(".")
        typedef = self.typedef(graph, type_name)
        if typedef is None:
            return None
        field = typedef.fields.get(name)
        return field.line if field is not None else typedef.line

    def _reasons(self, coordinate: str, place: _Place) -> str:
        type_name, _, name = coordinate.partition(".")
        lines = [f'- from subgraph "{place.graph}":']
        sfield = self.supergraph.types[type_name].fields[name]
        reach = self.closure(place)
        if place.graph not in sfield.resolved_in:
            lines.append(f'  - cannot find field "{coordinate}".')
        for graph in sfield.resolved_in:
            if graph in reach and self._reads_context(graph, type_name, name):
                lines.append(
                    f'  - could not find a match for required context for field "{coordinate}".'
                )
            elif graph in reach:
                lines.append(
                    f'  - cannot satisfy @requires conditions on field "{coordinate}" in '
                    f'subgraph "{graph}".'
                )
            else:
                lines.append(f"  - {self._why_not_reached(type_name, coordinate, place, graph)}")
        return "\n".join(lines)

    def _reads_context(self, graph: str, type_name: str, name: str) -> bool:
        typedef = self.typedef(graph, type_name)
        field = typedef.fields.get(name) if typedef else None
        return field is not None and any(a.from_context for a in field.args.values())

    def _why_not_reached(self, type_name: str, coordinate: str, place: _Place, graph: str) -> str:
        typedef = self.typedef(graph, type_name)
        keys = [k for k in typedef.keys if k.resolvable] if typedef else []
        why = (
            f'none of the @key defined on type "{type_name}" in subgraph "{graph}" can be '
            f'resolved from subgraph "{place.graph}"'
            if keys
            else f'type "{type_name}" has no resolvable @key in subgraph "{graph}"'
        )
        return f'cannot move to subgraph "{graph}", which has field "{coordinate}", because {why}.'


def _example(path: _Path) -> str:
    """The query that walks `path`; a path on Mutation or Subscription starts with its keyword."""
    keyword = ""
    if path and path[0].endswith(":"):
        keyword, path = path[0][:-1] + " ", path[1:]
    lines = ["  " * (depth + 1) + step + " {" for depth, step in enumerate(path)]
    lines[-1] = lines[-1][:-2]
    lines.extend("  " * depth + "}" for depth in range(len(path) - 1, 0, -1))
    return keyword + "{\n" + "\n".join(lines) + "\n}"


_Step = tuple[str, frozenset[_Place], _Path, frozenset[str], frozenset[str]]
"""(type, places, path, contexts set above, contexts set here) of one position to walk."""


def _walk_type(checker: _Checker, step: _Step, queue: deque[_Step]) -> None:
    type_name, places, path, active, here = step
    stype = checker.supergraph.types[type_name]
    below = active | here
    for name, sfield in stype.fields.items():
        if sfield.carried.inaccessible:  # not in the API schema: no query can ask for it
            continue
        found: set[_Place] = set()
        for place in places:
            found.update(checker.resolve(place, name, active))
        if not found:
            checker.fail(f"{stype.name}.{name}", (*path, name), places)
            continue
        target = checker.supergraph.types.get(base_type(sfield.type))
        if target is not None and target.kind in _COMPOSITE and not target.carried.inaccessible:
            queue.append(
                (target.name, frozenset(found), (*path, name), below, frozenset(target.contexts))
            )
    if stype.kind in ("interface", "union"):
        candidates = (
            stype.members
            if stype.kind == "union"
            else [t.name for t in checker.supergraph.types.values() if stype.name in t.interfaces]
        )
        for object_type in candidates:
            if checker.supergraph.types[object_type].carried.inaccessible:
                continue
            runtime = checker.runtime_places(places, object_type)
            if runtime:
                sets = here | frozenset(checker.supergraph.types[object_type].contexts)
                queue.append((object_type, runtime, (*path, f"... on {object_type}"), active, sets))


def check_satisfiability(
    supergraph: Supergraph, subgraphs: Iterable[Subgraph]
) -> list[CompositionError]:
    """SATISFIABILITY_ERROR for every field no query plan could reach."""
    checker = _Checker(supergraph, {s.name: s for s in subgraphs})
    queue: deque[_Step] = deque()
    for root, prefix in (
        ("Query", ""),
        ("Mutation", "mutation:"),
        ("Subscription", "subscription:"),
    ):
        stype = supergraph.types.get(root)
        if stype is not None:
            places = frozenset(_Place(root, graph) for graph in stype.sources)
            here = frozenset(stype.contexts)
            queue.append((root, places, (prefix,) if prefix else (), frozenset(), here))
    seen: set[tuple[str, frozenset[_Place], frozenset[str], frozenset[str]]] = set()
    while queue:
        step = queue.popleft()
        type_name, places, _, active, here = step
        if (type_name, places, active, here) in seen:
            continue
        seen.add((type_name, places, active, here))
        _walk_type(checker, step, queue)
    return list(checker.errors.values())
