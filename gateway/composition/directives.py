"""Reading the directives applied to one schema element into their federation meaning."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graphql import (
    BooleanValueNode,
    ConstDirectiveNode,
    IntValueNode,
    ListValueNode,
    StringValueNode,
    ValueNode,
    print_ast,
)

from gateway.composition.model import Carried, Key, ListSize

__all__ = ["Applied", "read_directives"]


@dataclass(slots=True, kw_only=True)
class Applied:
    """What the directives on one element mean, before it is attached to the model."""

    carried: Carried = field(default_factory=Carried)
    keys: list[Key] = field(default_factory=list)
    shareable: bool = False
    external: bool = False
    extends: bool = False
    interface_object: bool = False
    requires: str | None = None
    provides: str | None = None
    override_from: str | None = None
    override_label: str | None = None
    contexts: list[str] = field(default_factory=list)
    from_context: str | None = None


def _args(directive: ConstDirectiveNode) -> dict[str, ValueNode]:
    return {arg.name.value: arg.value for arg in directive.arguments or ()}


def _str(value: ValueNode | None) -> str | None:
    return value.value if isinstance(value, StringValueNode) else None


def _strings(value: ValueNode | None) -> tuple[str, ...] | None:
    if isinstance(value, ListValueNode):
        return tuple(v.value for v in value.values if isinstance(v, StringValueNode))
    if isinstance(value, StringValueNode):
        return (value.value,)
    return None


def _nested(value: ValueNode | None) -> list[tuple[str, ...]]:
    if not isinstance(value, ListValueNode):
        return []
    return [_strings(inner) or () for inner in value.values]


def _int(value: ValueNode | None) -> int | None:
    return int(value.value) if isinstance(value, IntValueNode) else None


def _list_size(args: Mapping[str, ValueNode]) -> ListSize:
    require = args.get("requireOneSlicingArgument")
    return ListSize(
        assumed_size=_int(args.get("assumedSize")),
        slicing_arguments=_strings(args.get("slicingArguments")),
        sized_fields=_strings(args.get("sizedFields")),
        require_one_slicing_argument=not (
            isinstance(require, BooleanValueNode) and not require.value
        ),
    )


def _carry(applied: Applied, name: str, args: Mapping[str, ValueNode]) -> bool:
    carried = applied.carried
    match name:
        case "inaccessible":
            carried.inaccessible = True
        case "tag":
            tag = _str(args.get("name"))
            if tag is not None and tag not in carried.tags:
                carried.tags.append(tag)
        case "authenticated":
            carried.authenticated = True
        case "requiresScopes":
            carried.scopes.extend(_nested(args.get("scopes")))
        case "policy":
            carried.policies.extend(_nested(args.get("policies")))
        case "cost":
            carried.cost = _int(args.get("weight"))
        case "listSize":
            carried.list_size = _list_size(args)
        case "deprecated":
            carried.deprecated = _str(args.get("reason")) or "No longer supported"
        case "specifiedBy":
            carried.specified_by = _str(args.get("url"))
        case _:
            return False
    return True


def _federation(applied: Applied, name: str, directive: ConstDirectiveNode) -> None:
    args = _args(directive)
    match name:
        case "key":
            resolvable = args.get("resolvable")
            applied.keys.append(
                Key(
                    fields=_str(args.get("fields")) or "",
                    resolvable=not (
                        isinstance(resolvable, BooleanValueNode) and not resolvable.value
                    ),
                    line=directive.loc.start_token.line if directive.loc else None,
                )
            )
        case "shareable":
            applied.shareable = True
        case "external":
            applied.external = True
        case "extends":
            applied.extends = True
        case "interfaceObject":
            applied.interface_object = True
        case "requires":
            applied.requires = _str(args.get("fields"))
        case "provides":
            applied.provides = _str(args.get("fields"))
        case "override":
            applied.override_from = _str(args.get("from"))
            applied.override_label = _str(args.get("label"))
        case "context":
            context = _str(args.get("name"))
            if context is not None:
                applied.contexts.append(context)
        case "fromContext":
            applied.from_context = _str(args.get("field")) or ""
        case "cacheTag":
            fmt = _str(args.get("format"))
            if fmt is not None:
                applied.carried.cache_tags.append(fmt)
        case _:
            _carry(applied, name, args)


def read_directives(
    directives: Sequence[ConstDirectiveNode] | None,
    names: Mapping[str, str],
    composed: Mapping[str, str],
) -> Applied:
    """Interpret `directives` given the subgraph's local->canonical names and composed directives.

    `composed` maps a local directive name to the name it has in the supergraph; those
    applications are carried through verbatim (renamed) as `@composeDirective` asks.
    """
    applied = Applied()
    for directive in directives or ():
        local = directive.name.value
        if local in ("deprecated", "specifiedBy"):
            _carry(applied, local, _args(directive))
        elif local in names:
            _federation(applied, names[local], directive)
        elif local in composed:
            printed = print_ast(directive)
            applied.carried.custom.append("@" + composed[local] + printed[len(local) + 1 :])
    return applied
