"""Merging parsed subgraphs into one supergraph model, type by type.

Enums and input types follow Apollo's rules: an input type keeps the fields every subgraph has;
an enum used only as output takes the union of values, only as input the intersection, and must
be identical when used as both.
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.composition.carry import join_cache_tags, merge_carried, pick_description
from gateway.composition.context import MergeContext, graph_enum_values
from gateway.composition.errors import CompositionError, codes
from gateway.composition.merge_fields import merge_arguments, merge_fields
from gateway.composition.model import Subgraph, TypeDef, base_type
from gateway.composition.supermodel import (
    JoinField,
    JoinType,
    SuperEnumValue,
    SuperField,
    SuperGraph,
    Supergraph,
    SuperType,
)

__all__ = ["merge"]


def _usage(subgraphs: Sequence[Subgraph]) -> tuple[set[str], set[str]]:
    """Named types used in input positions and in output positions, over all subgraphs."""
    inputs: set[str] = set()
    outputs: set[str] = set()
    for subgraph in subgraphs:
        for typedef in subgraph.types.values():
            for f in typedef.fields.values():
                outputs.add(base_type(f.type))
                inputs.update(base_type(a.type) for a in f.args.values())
            inputs.update(base_type(a.type) for a in typedef.input_fields.values())
    return inputs, outputs


def _join_types(ctx: MergeContext, graph: str, typedef: TypeDef) -> list[JoinType]:
    fed1 = ctx.subgraphs[graph].is_fed1
    extension = typedef.extends_directive if fed1 else typedef.extension
    value = ctx.enum_values[graph]
    if not typedef.keys:
        return [JoinType(graph=value, interface_object=typedef.interface_object)]
    return [
        JoinType(
            graph=value,
            key=key.fields,
            extension=extension,
            resolvable=key.resolvable,
            interface_object=typedef.interface_object,
        )
        for key in typedef.keys
    ]


def _check_kinds(ctx: MergeContext, name: str, sources: dict[str, TypeDef]) -> bool:
    kinds = {t.kind for t in sources.values() if not t.interface_object}
    if len(kinds) <= 1:
        return True
    ctx.error(
        codes.TYPE_KIND_MISMATCH,
        f'Type "{name}" has mismatched kind: it is defined as '
        + ", ".join(f'{t.kind} in subgraph "{g}"' for g, t in sources.items()),
        *((g, name) for g in sources),
    )
    return False


def _merge_enum(ctx: MergeContext, stype: SuperType, used: tuple[bool, bool]) -> None:
    as_input, as_output = used
    graphs = list(stype.sources)
    names = list(dict.fromkeys(v for t in stype.sources.values() for v in t.values))
    for name in names:
        present = [g for g in graphs if name in stype.sources[g].values]
        if len(present) < len(graphs) and as_input:
            if as_output:
                missing = [g for g in graphs if g not in present]
                ctx.error(
                    codes.ENUM_VALUE_MISMATCH,
                    f'Enum type "{stype.name}" is used as both input and output type, but value '
                    f'"{name}" is not defined in all the subgraphs defining "{stype.name}": it is '
                    f"missing in " + ", ".join(f'subgraph "{g}"' for g in missing),
                    *((g, stype.name) for g in graphs),
                )
            continue
        values = [stype.sources[g].values[name] for g in present]
        stype.values[name] = SuperEnumValue(
            name=name,
            description=pick_description(v.description for v in values),
            carried=merge_carried([v.carried for v in values]),
            graphs=[ctx.enum_values[g] for g in present],
        )
    if not stype.values:
        ctx.error(
            codes.EMPTY_MERGED_ENUM_TYPE,
            f'None of the values of enum type "{stype.name}" are defined consistently in all the '
            f"subgraphs defining that type. As only values common to all subgraphs are merged, "
            f"this would result in an empty type.",
            *((g, stype.name) for g in graphs),
        )


def _merge_composite(ctx: MergeContext, stype: SuperType) -> None:
    for graph, typedef in stype.sources.items():
        if typedef.interface_object:
            continue
        for interface in typedef.interfaces:
            if interface not in stype.interfaces:
                stype.interfaces.append(interface)
            stype.implements.append((ctx.enum_values[graph], interface))
    merge_fields(ctx, stype)


def _merge_type(
    ctx: MergeContext, name: str, sources: dict[str, TypeDef], usage: tuple[set[str], set[str]]
) -> SuperType:
    kinds = [t.kind for t in sources.values() if not t.interface_object]
    stype = SuperType(
        name=name,
        kind=kinds[0] if kinds else "interface",
        description=pick_description(t.description for t in sources.values()),
        carried=merge_carried([t.carried for t in sources.values()]),
        sources=dict(sources),
    )
    tagged = {g: t.carried for g, t in sources.items()}
    stype.carried.join_directives = join_cache_tags(tagged, ctx.enum_values)
    for graph, typedef in sources.items():
        stype.join_types.extend(_join_types(ctx, graph, typedef))
        stype.contexts.extend(f"{graph}__{context}" for context in typedef.contexts)
    if stype.kind in ("object", "interface"):
        _merge_composite(ctx, stype)
    elif stype.kind == "union":
        stype.member_graphs = [
            (ctx.enum_values[g], member) for g, t in sources.items() for member in t.members
        ]
        stype.members = list(dict.fromkeys(member for _, member in stype.member_graphs))
    elif stype.kind == "enum":
        _merge_enum(ctx, stype, (name in usage[0], name in usage[1] or name not in usage[0]))
    elif stype.kind == "input":
        stype.input_fields = merge_arguments(
            ctx, name, {g: t.input_fields for g, t in sources.items()}, "input field"
        )
        _input_field_joins(ctx, stype)
        if not stype.input_fields:
            ctx.error(
                codes.EMPTY_MERGED_INPUT_TYPE,
                f'None of the fields of input type "{name}" are consistently defined in all the '
                f"subgraphs defining that type. As only fields common to all subgraphs are "
                f"merged, this would result in an empty type.",
                *((g, name) for g in sources),
            )
    return stype


def _input_field_joins(ctx: MergeContext, stype: SuperType) -> None:
    """Input fields whose type differs between subgraphs record each subgraph's type."""
    for argument in stype.input_fields.values():
        if any(t != argument.type for t in argument.source_types.values()):
            argument.joins = [
                JoinField(graph=ctx.enum_values[g], type=t)
                for g, t in argument.source_types.items()
            ]


def _propagate_interface_objects(types: dict[str, SuperType]) -> None:
    """Fields an `@interfaceObject` adds to an interface appear on every implementation."""
    for interface in types.values():
        if interface.kind != "interface":
            continue
        object_graphs = {g for g, t in interface.sources.items() if t.interface_object}
        if not object_graphs:
            continue
        added = [f for f in interface.fields.values() if object_graphs & set(f.sources)]
        implementations = [
            t for t in types.values() if t.kind == "object" and interface.name in t.interfaces
        ]
        for stype in implementations:
            for sfield in added:
                stype.fields.setdefault(
                    sfield.name,
                    SuperField(
                        name=sfield.name,
                        type=sfield.type,
                        args=dict(sfield.args),
                        description=sfield.description,
                        carried=sfield.carried,
                        joins=[JoinField(graph=None)],
                    ),
                )


def merge(subgraphs: Sequence[Subgraph]) -> tuple[Supergraph, list[CompositionError]]:
    """Merge `subgraphs` (already validated one by one) into a supergraph model."""
    enum_values = graph_enum_values([s.name for s in subgraphs])
    ctx = MergeContext(subgraphs={s.name: s for s in subgraphs}, enum_values=enum_values)
    ctx.collect_abstract_types()
    by_name: dict[str, dict[str, TypeDef]] = {}
    for subgraph in subgraphs:
        for name, typedef in subgraph.types.items():
            by_name.setdefault(name, {})[subgraph.name] = typedef
    usage = _usage(subgraphs)
    types = {
        name: _merge_type(ctx, name, sources, usage)
        for name, sources in by_name.items()
        if _check_kinds(ctx, name, sources)
    }
    _propagate_interface_objects(types)
    supergraph = Supergraph(
        graphs=[
            SuperGraph(name=s.name, enum_value=enum_values[s.name], url=s.url) for s in subgraphs
        ],
        types=types,
        version=max(s.version for s in subgraphs),
        links=list(dict.fromkeys(link for s in subgraphs for link in s.links)),
        directive_definitions=list(
            {n: d for s in reversed(subgraphs) for n, d in s.directive_definitions.items()}.values()
        ),
    )
    return supergraph, ctx.errors
