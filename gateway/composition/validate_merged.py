"""Rules checked on the merged supergraph: field sharing, externals, interfaces, overrides."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.composition.errors import CompositionError, Location, codes
from gateway.composition.fieldsets import selected_fields
from gateway.composition.model import Field, Subgraph, TypeDef, field_set_names
from gateway.composition.supermodel import SuperField, Supergraph, SuperType
from gateway.composition.validate_inaccessible import validate_inaccessible

__all__ = ["validate_merged"]


def _error(
    code: str, message: str, where: Sequence[tuple[str, str, int | None]]
) -> CompositionError:
    locations = tuple(Location(subgraph=g, coordinate=c, line=line) for g, c, line in where)
    return CompositionError(code=code, message=message, locations=locations)


def _names(graphs: Sequence[str]) -> str:
    quoted = [f'"{g}"' for g in graphs]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _is_key_field(typedef: TypeDef, name: str) -> bool:
    return any(name in field_set_names(key.fields) for key in typedef.keys)


def _shareable_in(typedef: TypeDef, field: Field, fed1: bool, key_fields: set[str]) -> bool:
    return (
        field.shareable
        or _is_key_field(typedef, field.name)
        or f"{typedef.name}.{field.name}" in key_fields
        or (fed1 and typedef.extension)
    )


def _sharing_sources(
    stype: SuperType, sfield: SuperField, types: dict[str, SuperType]
) -> list[tuple[str, TypeDef, Field]]:
    sources = [(g, stype.sources[g], f) for g, f in sfield.sources.items()]
    for interface in stype.interfaces:
        itype = types.get(interface)
        ifield = itype.fields.get(sfield.name) if itype else None
        if itype is None or ifield is None:
            continue
        for graph, f in ifield.sources.items():
            typedef = itype.sources[graph]
            if typedef.interface_object and graph not in sfield.sources:
                sources.append((graph, typedef, f))
    return sources


def _check_sharing(stype: SuperType, sfield: SuperField, ctx: _Context) -> CompositionError | None:
    """A field resolved by several subgraphs must be shareable in each of them."""
    if stype.kind == "interface":
        sources = [
            (g, stype.sources[g], f)
            for g, f in sfield.sources.items()
            if stype.sources[g].interface_object
        ]
    else:
        sources = _sharing_sources(stype, sfield, ctx.supergraph.types)
    coordinate = f"{stype.name}.{sfield.name}"
    resolving: list[str] = []
    non_shareable: list[str] = []
    for graph, typedef, field in sources:
        if field.external:
            continue
        if field.override_from and field.override_from in sfield.sources:
            continue
        resolving.append(graph)
        shareable = _shareable_in(typedef, field, ctx.fed1(graph), ctx.key_fields(graph))
        if stype.name == "Subscription" or not shareable:
            non_shareable.append(graph)
    if not non_shareable or len(resolving) < 2:
        return None
    where = "all of them" if non_shareable == resolving else f"subgraph {_names(non_shareable)}"
    message = (
        f'Non-shareable field "{coordinate}" is resolved from multiple subgraphs: it is resolved '
        f"from subgraphs {_names(resolving)} and defined as non-shareable in {where}"
    )
    located = [(g, coordinate, f.line) for g, _, f in sources if g in resolving]
    return _error(codes.INVALID_FIELD_SHARING, message, located)


def _check_external_base(
    stype: SuperType, sfield: SuperField, ctx: _Context
) -> CompositionError | None:
    if not sfield.sources or not all(f.external for f in sfield.sources.values()):
        return None
    coordinate = f"{stype.name}.{sfield.name}"
    graphs = list(sfield.sources)
    message = (
        f'Field "{coordinate}" is marked @external on all the subgraphs in which it is listed '
        f"(subgraph{'s' if len(graphs) > 1 else ''} {_names(graphs)})."
    )
    return _error(codes.EXTERNAL_MISSING_ON_BASE, message, ctx.where(coordinate, sfield, graphs))


def _check_external_arguments(
    stype: SuperType, sfield: SuperField, ctx: _Context
) -> list[CompositionError]:
    errors = []
    coordinate = f"{stype.name}.{sfield.name}"
    for graph, field in sfield.sources.items():
        if not field.external:
            continue
        for name in sfield.args:
            if name in field.args:
                continue
            base = [g for g, f in sfield.sources.items() if not f.external and name in f.args]
            message = (
                f'Field "{coordinate}" is missing argument "{coordinate}({name}:)" in some '
                f'subgraphs where it is marked @external: argument "{coordinate}({name}:)" is '
                f'declared in subgraph {_names(base)} but not in subgraph "{graph}" (where '
                f'"{coordinate}" is @external)'
            )
            where = ctx.where(coordinate, sfield, [graph])
            errors.append(_error(codes.EXTERNAL_ARGUMENT_MISSING, message, where))
    return errors


def _check_override_source(
    stype: SuperType, sfield: SuperField, ctx: _Context
) -> list[CompositionError]:
    errors = []
    for graph, field in sfield.sources.items():
        source = sfield.sources.get(field.override_from or "")
        if source is not None and source.override_from is not None and field.override_from != graph:
            coordinate = f"{stype.name}.{sfield.name}"
            message = (
                f'Field "{coordinate}" on subgraph "{graph}" is also marked with directive '
                f'@override in subgraph "{field.override_from}". Only one @override directive '
                f"is allowed per field."
            )
            errors.append(
                _error(
                    codes.OVERRIDE_SOURCE_HAS_OVERRIDE,
                    message,
                    ctx.where(coordinate, sfield, [graph]),
                )
            )
    return errors


def _check_implementations(stype: SuperType, ctx: _Context) -> list[CompositionError]:
    errors = []
    for interface in stype.interfaces:
        itype = ctx.supergraph.types.get(interface)
        if itype is None:
            continue
        for name in itype.fields:
            if name not in stype.fields:
                graphs = list(stype.sources)
                declared = _names(list(itype.fields[name].sources) or graphs)
                message = (
                    f'Interface field "{interface}.{name}" is declared in subgraph '
                    f'{declared} but type "{stype.name}", '
                    f'which implements "{interface}" only in subgraph {_names(graphs)} does not '
                    f'have field "{name}".'
                )
                where = [(g, stype.name, stype.sources[g].line) for g in graphs]
                errors.append(_error(codes.INTERFACE_FIELD_NO_IMPLEM, message, where))
    return errors


class _Context:
    def __init__(self, supergraph: Supergraph, subgraphs: Sequence[Subgraph]) -> None:
        self.supergraph = supergraph
        self.subgraphs = {s.name: s for s in subgraphs}
        self._key_fields: dict[str, set[str]] = {}

    def key_fields(self, graph: str) -> set[str]:
        """Coordinates selected by any key of `graph`, nested selections included."""
        if graph not in self._key_fields:
            subgraph = self.subgraphs[graph]
            self._key_fields[graph] = {
                coordinate
                for typedef in subgraph.types.values()
                for key in typedef.keys
                for coordinate in selected_fields(subgraph, typedef.name, key.fields)
            }
        return self._key_fields[graph]

    def fed1(self, graph: str) -> bool:
        subgraph = self.subgraphs.get(graph)
        return subgraph is not None and subgraph.is_fed1

    def where(
        self, coordinate: str, sfield: SuperField, graphs: Sequence[str]
    ) -> list[tuple[str, str, int | None]]:
        return [
            (g, coordinate, sfield.sources[g].line if g in sfield.sources else None) for g in graphs
        ]


def _check_interface_objects(supergraph: Supergraph) -> list[CompositionError]:
    errors = []
    for stype in supergraph.types.values():
        graphs = [g for g, t in stype.sources.items() if t.interface_object]
        if not graphs or (stype.kind == "interface" and len(graphs) < len(stype.sources)):
            continue
        message = (
            f'Type "{stype.name}" is declared with @interfaceObject in all the subgraphs in which '
            f"it is defined (it is defined in subgraph {_names(graphs)} but should be defined as "
            f"an interface in at least one subgraph)"
        )
        where = [(g, stype.name, stype.sources[g].line) for g in graphs]
        errors.append(_error(codes.INTERFACE_OBJECT_USAGE_ERROR, message, where))
    return errors


def _check_queries(supergraph: Supergraph, subgraphs: Sequence[Subgraph]) -> list[CompositionError]:
    query = supergraph.types.get("Query")
    if query is not None and query.fields:
        return []
    message = "No queries found in any subgraph: a supergraph must have a query root type."
    return [_error(codes.NO_QUERIES, message, [(s.name, "Query", None) for s in subgraphs])]


def validate_merged(
    supergraph: Supergraph, subgraphs: Sequence[Subgraph]
) -> list[CompositionError]:
    """Every problem found in the merged supergraph."""
    ctx = _Context(supergraph, subgraphs)
    errors = _check_queries(supergraph, subgraphs)
    errors += _check_interface_objects(supergraph)
    errors += validate_inaccessible(supergraph)
    for stype in supergraph.types.values():
        if stype.kind == "interface":
            found_interface = (_check_sharing(stype, f, ctx) for f in stype.fields.values())
            errors += [e for e in found_interface if e is not None]
        if stype.kind != "object":
            continue
        errors += _check_implementations(stype, ctx)
        for sfield in stype.fields.values():
            found = [_check_sharing(stype, sfield, ctx), _check_external_base(stype, sfield, ctx)]
            errors += [e for e in found if e is not None]
            errors += _check_override_source(stype, sfield, ctx)
            errors += _check_external_arguments(stype, sfield, ctx)
    return errors
