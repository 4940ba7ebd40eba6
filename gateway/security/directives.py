"""Reading `@authenticated`, `@requiresScopes` and `@policy` from the supergraph.

Each field gets one `Requirement`: its own directives combined with those on the type it
returns (a type-level directive guards every field that returns the type, as Apollo Router
does). Requirements are read once per loaded supergraph and are pure data; whether a caller
meets one is decided in `authorization.py`. The directives are found by their local names in
the supergraph (`@auth` when it imports `@authenticated` `as: "@auth"`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    ConstListValueNode,
    DirectiveNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    ListValueNode,
    StringValueNode,
    ValueNode,
    get_named_type,
)

from gateway.supergraph import Supergraph

__all__ = ["Requirement", "read_requirements"]

_SPECS = ("authenticated", "requiresScopes", "policy")


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement:
    """What a caller needs for one field: any one of `scopes` (all of its scopes), etc."""

    authenticated: bool = False
    scopes: tuple[frozenset[str], ...] = ()
    policies: tuple[frozenset[str], ...] = ()

    def __or__(self, other: Requirement) -> Requirement:
        """Both requirements at once."""
        return Requirement(
            authenticated=self.authenticated or other.authenticated,
            scopes=_both(self.scopes, other.scopes),
            policies=_both(self.policies, other.policies),
        )

    @property
    def empty(self) -> bool:
        return not (self.authenticated or self.scopes or self.policies)


def _both(
    left: tuple[frozenset[str], ...], right: tuple[frozenset[str], ...]
) -> tuple[frozenset[str], ...]:
    """Any-of groups of all-of sets, both to hold: every pairing of one group from each."""
    if not left or not right:
        return left or right
    return tuple(a | b for a in left for b in right)


def _strings(value: ValueNode | None) -> tuple[frozenset[str], ...]:
    """`[["a", "b"], ["c"]]` -> ({"a", "b"}, {"c"})."""
    if not isinstance(value, ConstListValueNode | ListValueNode):
        return ()
    return tuple(
        frozenset(v.value for v in group.values if isinstance(v, StringValueNode))
        for group in value.values
        if isinstance(group, ConstListValueNode | ListValueNode)
    )


def _names(supergraph: Supergraph) -> dict[str, str]:
    """Local directive name -> the spec it comes from."""
    return {supergraph.directive_name(spec): spec for spec in _SPECS}


def _from_directives(
    directives: tuple[DirectiveNode, ...], names: Mapping[str, str]
) -> Requirement:
    requirement = Requirement()
    for directive in directives:
        name = names.get(directive.name.value)
        arguments = {a.name.value: a.value for a in directive.arguments or ()}
        if name == "authenticated":
            requirement |= Requirement(authenticated=True)
        elif name == "requiresScopes":
            requirement |= Requirement(authenticated=True, scopes=_strings(arguments.get("scopes")))
        elif name == "policy":
            requirement |= Requirement(policies=_strings(arguments.get("policies")))
    return requirement


def _type_requirement(type_: GraphQLNamedType, names: Mapping[str, str]) -> Requirement:
    nodes = [type_.ast_node, *(type_.extension_ast_nodes or ())]
    requirement = Requirement()
    for node in nodes:
        if node is not None:
            requirement |= _from_directives(tuple(node.directives or ()), names)
    return requirement


def read_requirements(supergraph: Supergraph) -> Mapping[tuple[str, str], Requirement]:
    """(type name, field name) -> Requirement, for every guarded field of the supergraph."""
    names = _names(supergraph)
    schema: GraphQLSchema = supergraph.schema
    found: dict[tuple[str, str], Requirement] = {}
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for name, field in type_.fields.items():
            own = Requirement()
            if field.ast_node is not None:
                own = _from_directives(tuple(field.ast_node.directives or ()), names)
            requirement = own | _type_requirement(get_named_type(field.type), names)
            if not requirement.empty:
                found[(type_.name, name)] = requirement
    return found
