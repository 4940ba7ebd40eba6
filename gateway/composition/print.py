"""Supergraph model -> supergraph SDL in Apollo's join-spec format."""

from __future__ import annotations

import json
from collections.abc import Iterable

from graphql.language.block_string import print_block_string

from gateway.composition.model import Carried
from gateway.composition.specs import (
    join_definitions,
    join_version,
    link_definitions,
    spec_definitions,
)
from gateway.composition.supermodel import (
    JoinField,
    JoinType,
    SuperArgument,
    SuperField,
    Supergraph,
    SuperType,
)

__all__ = ["print_supergraph", "used_specs"]

_KEYWORDS = {
    "object": "type",
    "interface": "interface",
    "union": "union",
    "enum": "enum",
    "input": "input",
    "scalar": "scalar",
}


def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _description(description: str | None, indent: str) -> str:
    if not description:
        return ""
    block = print_block_string(description)
    return "\n".join(indent + line if line else line for line in block.split("\n")) + "\n"


def _nested(values: list[tuple[str, ...]]) -> str:
    return "[" + ", ".join("[" + ", ".join(_s(v) for v in inner) + "]" for inner in values) + "]"


def _carried(carried: Carried) -> str:
    parts: list[str] = []
    if carried.deprecated is not None:
        reason = carried.deprecated
        parts.append(
            "@deprecated"
            if reason == "No longer supported"
            else f"@deprecated(reason: {_s(reason)})"
        )
    if carried.specified_by is not None:
        parts.append(f"@specifiedBy(url: {_s(carried.specified_by)})")
    if carried.inaccessible:
        parts.append("@inaccessible")
    parts.extend(f"@tag(name: {_s(tag)})" for tag in carried.tags)
    if carried.authenticated:
        parts.append("@authenticated")
    if carried.scopes:
        parts.append(f"@requiresScopes(scopes: {_nested(carried.scopes)})")
    if carried.policies:
        parts.append(f"@policy(policies: {_nested(carried.policies)})")
    if carried.cost is not None:
        parts.append(f"@cost(weight: {carried.cost})")
    if carried.list_size is not None:
        parts.append(_list_size(carried))
    parts.extend(carried.custom)
    parts.extend(carried.join_directives)
    return "".join(" " + p for p in parts)


def _list_size(carried: Carried) -> str:
    size = carried.list_size
    assert size is not None
    args: list[str] = []
    if size.assumed_size is not None:
        args.append(f"assumedSize: {size.assumed_size}")
    if size.slicing_arguments is not None:
        args.append("slicingArguments: [" + ", ".join(map(_s, size.slicing_arguments)) + "]")
    if size.sized_fields is not None:
        args.append("sizedFields: [" + ", ".join(map(_s, size.sized_fields)) + "]")
    if not size.require_one_slicing_argument:
        args.append("requireOneSlicingArgument: false")
    return "@listSize(" + ", ".join(args) + ")" if args else "@listSize"


def _join_type(join: JoinType) -> str:
    args = [f"graph: {join.graph}"]
    if join.key is not None:
        args.append(f"key: {_s(join.key)}")
    if join.extension:
        args.append("extension: true")
    if not join.resolvable:
        args.append("resolvable: false")
    if join.interface_object:
        args.append("isInterfaceObject: true")
    return f" @join__type({', '.join(args)})"


def _join_field(join: JoinField) -> str:
    if join.graph is None:
        return " @join__field"
    args = [f"graph: {join.graph}"]
    for name, value in (("requires", join.requires), ("provides", join.provides)):
        if value is not None:
            args.append(f"{name}: {_s(value)}")
    if join.type is not None:
        args.append(f"type: {_s(join.type)}")
    if join.external:
        args.append("external: true")
    if join.override is not None:
        args.append(f"override: {_s(join.override)}")
    if join.used_overridden:
        args.append("usedOverridden: true")
    if join.override_label is not None:
        args.append(f"overrideLabel: {_s(join.override_label)}")
    if join.context_arguments:
        entries = ", ".join(
            f"{{context: {_s(c.context)}, name: {_s(c.name)}, type: {_s(c.type)}, "
            f"selection: {_s(c.selection)}}}"
            for c in join.context_arguments
        )
        args.append(f"contextArguments: [{entries}]")
    return f" @join__field({', '.join(args)})"


def _argument(arg: SuperArgument, joins: str = "") -> str:
    default = f" = {arg.default}" if arg.default is not None else ""
    return f"{arg.name}: {arg.type}{default}{joins}{_carried(arg.carried)}"


def _arguments(args: Iterable[SuperArgument]) -> str:
    items = list(args)
    if not items:
        return ""
    if not any(a.description for a in items):
        return "(" + ", ".join(_argument(a) for a in items) + ")"
    lines = [_description(a.description, "    ") + "    " + _argument(a) for a in items]
    return "(\n" + _join_entries(lines) + "\n  )"


def _field(sfield: SuperField) -> str:
    joins = "".join(_join_field(j) for j in sfield.joins)
    head = f"  {sfield.name}{_arguments(sfield.args.values())}: {sfield.type}"
    return _description(sfield.description, "  ") + head + joins + _carried(sfield.carried)


def _body(stype: SuperType) -> str:
    if stype.kind in ("object", "interface"):
        lines = [_field(f) for f in stype.fields.values()]
    elif stype.kind == "input":
        lines = [
            _description(a.description, "  ")
            + "  "
            + _argument(a, "".join(_join_field(j) for j in a.joins))
            for a in stype.input_fields.values()
        ]
    elif stype.kind == "enum":
        lines = [
            _description(v.description, "  ")
            + f"  {v.name}"
            + "".join(f" @join__enumValue(graph: {g})" for g in v.graphs)
            + _carried(v.carried)
            for v in stype.values.values()
        ]
    else:
        return ""
    return " {\n" + _join_entries(lines) + "\n}" if lines else ""


def _join_entries(lines: list[str]) -> str:
    """One entry a line, with a blank line before each described entry but the first (as
    graphql-js prints)."""
    return "".join(
        ("\n\n" if i and line.lstrip().startswith('"') else "\n" if i else "") + line
        for i, line in enumerate(lines)
    )


def _type(stype: SuperType) -> str:
    head = f"{_KEYWORDS[stype.kind]} {stype.name}"
    if stype.interfaces:
        head += " implements " + " & ".join(stype.interfaces)
    head += "".join(_join_type(j) for j in stype.join_types)
    head += "".join(
        f" @join__implements(graph: {g}, interface: {_s(i)})" for g, i in stype.implements
    )
    head += "".join(
        f" @join__unionMember(graph: {g}, member: {_s(m)})" for g, m in stype.member_graphs
    )
    head += "".join(f" @context(name: {_s(name)})" for name in stype.contexts)
    head += _carried(stype.carried)
    if stype.kind == "union" and stype.members:
        head += " = " + " | ".join(stype.members)
    return _description(stype.description, "") + head + _body(stype)


def _all_carried(supergraph: Supergraph) -> Iterable[Carried]:
    for stype in supergraph.types.values():
        yield stype.carried
        for f in stype.fields.values():
            yield f.carried
            yield from (a.carried for a in f.args.values())
        yield from (a.carried for a in stype.input_fields.values())
        yield from (v.carried for v in stype.values.values())


def used_specs(supergraph: Supergraph) -> set[str]:
    """Which carried specs (tag, inaccessible, ...) the supergraph applies anywhere."""
    used: set[str] = set()
    for carried in _all_carried(supergraph):
        flags = {
            "inaccessible": carried.inaccessible,
            "tag": bool(carried.tags),
            "authenticated": carried.authenticated,
            "requiresScopes": bool(carried.scopes),
            "policy": bool(carried.policies),
            "cost": carried.cost is not None,
            "listSize": carried.list_size is not None,
        }
        used.update(name for name, on in flags.items() if on)
    if any(stype.contexts for stype in supergraph.types.values()):
        used.add("context")
    return used


def _schema(supergraph: Supergraph, spec_links: list[str]) -> str:
    version = join_version(supergraph.version)
    links = [
        '@link(url: "https://specs.apollo.dev/link/v1.0")',
        f'@link(url: "https://specs.apollo.dev/join/{version}", for: EXECUTION)',
        *spec_links,
        *supergraph.links,
    ]
    roots = [
        f"  {kind}: {name}"
        for kind, name in (
            ("query", "Query"),
            ("mutation", "Mutation"),
            ("subscription", "Subscription"),
        )
        if name in supergraph.types
    ]
    return "schema\n" + "".join(f"  {link}\n" for link in links) + "{\n" + "\n".join(roots) + "\n}"


def _join_directive(supergraph: Supergraph) -> str:
    """`@join__directive`'s definition, when some element has one (`@cacheTag`)."""
    if not any(carried.join_directives for carried in _all_carried(supergraph)):
        return ""
    return (
        "\n\ndirective @join__directive(graphs: [join__Graph!], name: String!, args: "
        "join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION"
        "\n\nscalar join__DirectiveArguments"
    )


def print_supergraph(supergraph: Supergraph) -> str:
    """The supergraph SDL: schema and links, spec definitions, `join__Graph`, then the types."""
    spec_links, spec_defs = spec_definitions(used_specs(supergraph))
    graphs = "\n".join(
        f"  {g.enum_value} @join__graph(name: {_s(g.name)}, url: {_s(g.url)})"
        for g in supergraph.graphs
    )
    blocks = [
        _schema(supergraph, spec_links),
        join_definitions(join_version(supergraph.version)) + _join_directive(supergraph),
        link_definitions(),
        *spec_defs,
        *supergraph.directive_definitions,
        "enum join__Graph {\n" + graphs + "\n}",
        *(_type(t) for t in supergraph.types.values()),
    ]
    return "\n\n".join(blocks) + "\n"
