"""Which schema elements a contract hides: tag filters, then what can no longer stand, then
(optionally) what clients can no longer reach.

The rules are Apollo's contracts', simplified where Apollo fails composition instead:

- an element (type, field, argument, enum value, input field) with an excluded tag is hidden;
- with included tags, an object or interface field is kept only when it or its type carries
  one (types themselves are not filtered by `include`: they stay while something uses them);
- then, until nothing changes: a field, argument or input field of a hidden type is hidden (a
  required argument or input field takes its field or input type with it); an object field
  hidden while an interface it implements still shows it hides the interface field too, so
  the schema stays valid; a type with no field, value or member left is hidden;
- with `hide_unreachable_types`, a type no visible root field leads to is hidden.

A hidden root type (Mutation with no fields left) leaves the API schema; an empty Query is a
problem (`CONTRACT_EMPTY`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    Node,
    get_named_type,
)
from graphql.pyutils import Undefined

from gateway.supergraph.arguments import directive_arguments
from gateway.supergraph.links import Links

__all__ = ["Contract", "hidden_elements"]

Fielded = GraphQLObjectType | GraphQLInterfaceType


@dataclass(frozen=True, slots=True, kw_only=True)
class Contract:
    """A filtered API schema: which `@tag` names it keeps and which it drops."""

    include: frozenset[str] = frozenset()
    """Empty: every field not excluded."""
    exclude: frozenset[str] = frozenset()
    hide_unreachable_types: bool = True


class _Selection:
    """The hidden set as coordinates: `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`."""

    def __init__(self, schema: GraphQLSchema, links: Links, contract: Contract) -> None:
        self.schema = schema
        self.contract = contract
        self.tag = links.directive_name("tag")
        self.inaccessible = links.directive_name("inaccessible")
        self.machinery = links.machinery()
        self.hidden: set[str] = set()

    def tags(self, node: Node | None) -> set[str]:
        found: set[str] = set()
        for directive in getattr(node, "directives", None) or ():
            if directive.name.value == self.tag:
                name = directive_arguments(directive).get("name")
                if isinstance(name, str):
                    found.add(name)
        return found

    def already_hidden(self, node: Node | None) -> bool:
        directives = getattr(node, "directives", None) or ()
        return any(d.name.value == self.inaccessible for d in directives)

    def types(self) -> Iterable[GraphQLNamedType]:
        """The graph's own types (no built-ins, no link or join machinery)."""
        for named in self.schema.type_map.values():
            if named.ast_node is None or named.name.startswith("__"):
                continue
            if any(feature.owns_type(named.name) for feature in self.machinery):
                continue
            yield named

    def hide(self, coordinate: str) -> bool:
        if coordinate in self.hidden:
            return False
        self.hidden.add(coordinate)
        return True

    def shown(self, coordinate: str) -> bool:
        return coordinate not in self.hidden

    def type_hidden(self, named: GraphQLNamedType) -> bool:
        return named.name in self.hidden


def _required(argument: GraphQLArgument | GraphQLInputField) -> bool:
    return isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined


def _by_tags(s: _Selection) -> None:
    """Hide what the tags say, and what the schema already hid (`@inaccessible`)."""
    include, exclude = s.contract.include, s.contract.exclude
    for named in s.types():
        type_tags = s.tags(named.ast_node)
        if type_tags & exclude or s.already_hidden(named.ast_node):
            s.hide(named.name)
        if isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                if s.tags(value.ast_node) & exclude or s.already_hidden(value.ast_node):
                    s.hide(f"{named.name}.{value_name}")
            continue
        if not isinstance(named, Fielded | GraphQLInputObjectType):
            continue
        for field_name, field in named.fields.items():
            coordinate = f"{named.name}.{field_name}"
            tags = s.tags(field.ast_node)
            not_included = (
                include and isinstance(named, Fielded) and not (tags | type_tags) & include
            )
            if tags & exclude or s.already_hidden(field.ast_node) or not_included:
                s.hide(coordinate)
            for arg_name, arg in getattr(field, "args", {}).items():
                if s.tags(arg.ast_node) & exclude or s.already_hidden(arg.ast_node):
                    s.hide(f"{coordinate}({arg_name}:)")


def _settle_field(s: _Selection, owner: str, name: str, field: GraphQLField) -> bool:
    coordinate = f"{owner}.{name}"
    if not s.shown(coordinate):
        return False
    if s.type_hidden(get_named_type(field.type)):
        return s.hide(coordinate)
    changed = False
    for arg_name, arg in field.args.items():
        arg_coordinate = f"{coordinate}({arg_name}:)"
        lost = not s.shown(arg_coordinate) or s.type_hidden(get_named_type(arg.type))
        if lost and _required(arg):
            return s.hide(coordinate)
        if lost:
            changed |= s.hide(arg_coordinate)
    return changed


def _settle_fielded(s: _Selection, named: Fielded) -> bool:
    changed = False
    for name, field in named.fields.items():
        changed |= _settle_field(s, named.name, name, field)
    for interface in named.interfaces:
        for name in interface.fields:
            if not s.shown(f"{named.name}.{name}"):
                changed |= s.hide(f"{interface.name}.{name}")
    if not any(s.shown(f"{named.name}.{name}") for name in named.fields):
        changed |= s.hide(named.name)
    return changed


def _settle_input(s: _Selection, named: GraphQLInputObjectType) -> bool:
    changed = False
    for name, field in named.fields.items():
        coordinate = f"{named.name}.{name}"
        lost = not s.shown(coordinate) or s.type_hidden(get_named_type(field.type))
        if lost and _required(field):
            return s.hide(named.name)
        if lost:
            changed |= s.hide(coordinate)
    if not any(s.shown(f"{named.name}.{name}") for name in named.fields):
        changed |= s.hide(named.name)
    return changed


def _settle(s: _Selection) -> None:
    """Hide what the hidden elements leave invalid, until nothing changes."""
    changed = True
    while changed:
        changed = False
        for named in s.types():
            if s.type_hidden(named):
                continue
            if isinstance(named, Fielded):
                changed |= _settle_fielded(s, named)
            elif isinstance(named, GraphQLInputObjectType):
                changed |= _settle_input(s, named)
            elif isinstance(named, GraphQLUnionType):
                if all(s.type_hidden(member) for member in named.types):
                    changed |= s.hide(named.name)
            elif isinstance(named, GraphQLEnumType) and not any(
                s.shown(f"{named.name}.{value}") for value in named.values
            ):
                changed |= s.hide(named.name)


def _leads_to(s: _Selection, named: GraphQLNamedType) -> Iterable[GraphQLNamedType]:
    """The types a client can reach from `named` in the contract."""
    if isinstance(named, Fielded):
        for name, field in named.fields.items():
            if s.shown(f"{named.name}.{name}"):
                yield get_named_type(field.type)
                for arg_name, arg in field.args.items():
                    if s.shown(f"{named.name}.{name}({arg_name}:)"):
                        yield get_named_type(arg.type)
        yield from named.interfaces
        if isinstance(named, GraphQLInterfaceType):
            yield from s.schema.get_possible_types(named)
    elif isinstance(named, GraphQLUnionType):
        yield from named.types
    elif isinstance(named, GraphQLInputObjectType):
        for name, field in named.fields.items():
            if s.shown(f"{named.name}.{name}"):
                yield get_named_type(field.type)


def _hide_unreachable(s: _Selection) -> None:
    roots = (s.schema.query_type, s.schema.mutation_type, s.schema.subscription_type)
    queue: list[GraphQLNamedType] = [r for r in roots if r is not None and not s.type_hidden(r)]
    reached = {root.name for root in queue}
    while queue:
        for next_type in _leads_to(s, queue.pop()):
            if next_type.name not in reached and not s.type_hidden(next_type):
                reached.add(next_type.name)
                queue.append(next_type)
    for named in s.types():
        if named.name not in reached:
            s.hide(named.name)


def hidden_elements(schema: GraphQLSchema, links: Links, contract: Contract) -> frozenset[str]:
    """The coordinates `contract` hides in the supergraph's full `schema`."""
    selection = _Selection(schema, links, contract)
    _by_tags(selection)
    _settle(selection)
    if contract.hide_unreachable_types:
        _hide_unreachable(selection)
    return frozenset(selection.hidden)
