"""Merging the fields and arguments of one type across the subgraphs that define it.

Arguments are intersected (a required argument missing anywhere is an error); output types take
the most general declaration; `@join__field` is written only where the graphs differ.
"""

from __future__ import annotations

from collections.abc import Mapping

from gateway.composition.carry import join_cache_tags, merge_carried, pick_description
from gateway.composition.context import MergeContext
from gateway.composition.errors import codes
from gateway.composition.model import Argument, Field, TypeDef, field_set_names
from gateway.composition.supermodel import (
    ContextArgument,
    JoinField,
    SuperArgument,
    SuperField,
    SuperType,
)
from gateway.composition.typeref import merge_input_types, merge_output_types
from gateway.composition.validate_context import parse_reference

__all__ = ["merge_arguments", "merge_fields"]


def merge_arguments(
    ctx: MergeContext, coordinate: str, sources: Mapping[str, Mapping[str, Argument]], kind: str
) -> dict[str, SuperArgument]:
    """Intersect arguments (or input fields) of one element over the graphs in `sources`."""
    names = list(dict.fromkeys(name for args in sources.values() for name in args))
    merged: dict[str, SuperArgument] = {}
    for name in names:
        present = {g: args[name] for g, args in sources.items() if name in args}
        where = f"{coordinate}({name}:)" if kind == "argument" else f"{coordinate}.{name}"
        if len(present) < len(sources):
            required = [g for g, a in present.items() if a.type.endswith("!") and a.default is None]
            if required:
                missing = [g for g in sources if g not in present]
                code = (
                    codes.REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH
                    if kind == "argument"
                    else codes.REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH
                )
                ctx.error(
                    code,
                    f'{kind.capitalize()} "{where}" is required in some subgraphs but does not '
                    f"appear in all subgraphs: it is required in {_graphs(required)} but does "
                    f"not appear in {_graphs(missing)}",
                    *((g, coordinate) for g in sources),
                )
            continue
        merged[name] = _merge_argument(ctx, where, present, kind)
    return merged


def _merge_argument(
    ctx: MergeContext, where: str, present: Mapping[str, Argument], kind: str
) -> SuperArgument:
    merged_type = merge_input_types([a.type for a in present.values()])
    if merged_type is None:
        code = (
            codes.FIELD_ARGUMENT_TYPE_MISMATCH if kind == "argument" else codes.FIELD_TYPE_MISMATCH
        )
        ctx.error(
            code,
            f'Type of {kind} "{where}" is incompatible across subgraphs: '
            + ", ".join(f'"{a.type}" in subgraph "{g}"' for g, a in present.items()),
            *((g, where) for g in present),
        )
        merged_type = next(iter(present.values())).type
    defaults = {a.default for a in present.values() if a.default is not None}
    if len(defaults) > 1:
        code = (
            codes.FIELD_ARGUMENT_DEFAULT_MISMATCH
            if kind == "argument"
            else codes.INPUT_FIELD_DEFAULT_MISMATCH
        )
        ctx.error(
            code,
            f'{kind.capitalize()} "{where}" has incompatible default values across subgraphs: '
            + ", ".join(f'"{a.default}" in subgraph "{g}"' for g, a in present.items()),
            *((g, where) for g in present),
        )
    return SuperArgument(
        name=next(iter(present.values())).name,
        type=merged_type,
        default=next(iter(defaults)) if defaults else None,
        description=pick_description(a.description for a in present.values()),
        carried=merge_carried([a.carried for a in present.values()]),
        graphs=list(present),
        source_types={g: a.type for g, a in present.items()},
    )


def _graphs(names: list[str]) -> str:
    label = "subgraph" if len(names) == 1 else "subgraphs"
    return f"{label} " + ", ".join(f'"{n}"' for n in names)


def _used_internally(typedef: TypeDef, name: str) -> bool:
    """Whether a graph still needs its overridden field for its own keys or `@requires`."""
    if any(name in field_set_names(key.fields) for key in typedef.keys):
        return True
    return any(f.requires and name in field_set_names(f.requires) for f in typedef.fields.values())


def _check_external_types(
    ctx: MergeContext, coordinate: str, sources: Mapping[str, Field], merged: str
) -> None:
    """An `@external` declaration must have the merged type or a more precise one."""
    for graph, f in sources.items():
        if not f.external or f.type == merged:
            continue
        if merge_output_types([f.type, merged], ctx.is_subtype) == merged:
            continue
        ctx.error(
            codes.EXTERNAL_TYPE_MISMATCH,
            f'Type of field "{coordinate}" is incompatible across subgraphs (where marked '
            f'@external): it has type "{merged}" in the subgraphs that resolve it but type '
            f'"{f.type}" in subgraph "{graph}"',
            (graph, coordinate),
        )


def _field_type(ctx: MergeContext, coordinate: str, sources: Mapping[str, Field]) -> str:
    resolving = {g: f for g, f in sources.items() if not f.external} or dict(sources)
    merged = merge_output_types([f.type for f in resolving.values()], ctx.is_subtype)
    if merged is not None:
        _check_external_types(ctx, coordinate, sources, merged)
    if merged is None:
        ctx.error(
            codes.FIELD_TYPE_MISMATCH,
            f'Type of field "{coordinate}" is incompatible across subgraphs: '
            + ", ".join(f'it has type "{f.type}" in subgraph "{g}"' for g, f in sources.items()),
            *((g, coordinate) for g in sources),
        )
        return next(iter(resolving.values())).type
    return merged


def _joins(
    ctx: MergeContext, stype: SuperType, sfield: SuperField, sources: Mapping[str, Field]
) -> tuple[list[JoinField], list[str]]:
    overridden: dict[str, str | None] = {}
    for graph, f in sources.items():
        if f.override_from and f.override_from in sources and f.override_from != graph:
            overridden[f.override_from] = f.override_label
    joins: list[JoinField] = []
    resolved_in: list[str] = []
    types_differ = any(f.type != sfield.type for f in sources.values())
    for graph, f in sources.items():
        join = JoinField(
            graph=ctx.enum_values[graph],
            type=f.type if types_differ else None,
            external=f.external,
            requires=f.requires,
            provides=f.provides,
            override=f.override_from,
            override_label=f.override_label,
            context_arguments=_context_arguments(graph, f),
        )
        if graph in overridden:
            label = overridden[graph]
            if label is not None:
                join.override_label = label
            elif _used_internally(stype.sources[graph], f.name):
                join.used_overridden = True
            else:
                continue
        if not f.external and not join.used_overridden:
            resolved_in.append(graph)
        joins.append(join)
    every_graph = len(joins) == len(stype.sources)
    if every_graph and all(j.is_plain for j in joins):
        return [], resolved_in
    return joins, resolved_in


def _context_arguments(graph: str, f: Field) -> list[ContextArgument]:
    """The arguments of `f` in `graph` filled from a context (named `<graph>__<context>`)."""
    found: list[ContextArgument] = []
    for argument in f.args.values():
        reference = parse_reference(argument.from_context or "")
        if reference is not None:
            found.append(
                ContextArgument(
                    context=f"{graph}__{reference.context}",
                    name=argument.name,
                    type=argument.type,
                    selection=reference.selection,
                )
            )
    return found


def _client_arguments(f: Field) -> dict[str, Argument]:
    """The arguments clients pass: contextual ones are the gateway's to fill, not the API's."""
    return {n: a for n, a in f.args.items() if a.from_context is None}


def _check_contextual(ctx: MergeContext, coordinate: str, sources: Mapping[str, Field]) -> None:
    """An argument contextual somewhere may not be required (and not contextual) elsewhere."""
    contextual = {
        n for f in sources.values() for n, a in f.args.items() if a.from_context is not None
    }
    for name in contextual:
        where = f"{coordinate}({name}:)"
        for graph, f in sources.items():
            argument = f.args.get(name)
            if argument is None or argument.from_context is not None:
                continue
            if argument.type.endswith("!") and argument.default is None:
                ctx.error(
                    codes.CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS,
                    f'Argument "{where}" is contextual in at least one subgraph but in '
                    f'"{where}" it does not have @fromContext, is not nullable and has no '
                    "default value.",
                    (graph, coordinate),
                )


def merge_fields(ctx: MergeContext, stype: SuperType) -> None:
    """Merge the output fields of an object or interface type into `stype.fields`."""
    names = list(dict.fromkeys(n for t in stype.sources.values() for n in t.fields))
    for name in names:
        sources = {g: t.fields[name] for g, t in stype.sources.items() if name in t.fields}
        coordinate = f"{stype.name}.{name}"
        resolving = {g: f for g, f in sources.items() if not f.external} or dict(sources)
        _check_contextual(ctx, coordinate, sources)
        sfield = SuperField(
            name=name,
            type=_field_type(ctx, coordinate, sources),
            args=merge_arguments(
                ctx,
                coordinate,
                {g: _client_arguments(f) for g, f in resolving.items()},
                "argument",
            ),
            description=pick_description(f.description for f in sources.values()),
            carried=merge_carried([f.carried for f in sources.values()]),
            sources=dict(sources),
        )
        tagged = {g: f.carried for g, f in sources.items()}
        sfield.carried.join_directives = join_cache_tags(tagged, ctx.enum_values)
        sfield.joins, sfield.resolved_in = _joins(ctx, stype, sfield, sources)
        stype.fields[name] = sfield
