"""The loaded supergraph: the API schema plus, per type and field, what each subgraph can do.

These are the facts the planner reads; they are immutable and shared by every request.
Subgraphs are named by their `@join__graph(name:)`, which is also the plan's `serviceName`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from graphql import GraphQLInterfaceType, GraphQLSchema, GraphQLUnionType, SelectionSetNode

from .links import Links

__all__ = [
    "ContextArgument",
    "FieldInGraph",
    "FieldMeta",
    "JoinDirective",
    "Key",
    "OperationType",
    "SubgraphInfo",
    "Supergraph",
    "TypeInGraph",
    "TypeKind",
    "TypeMeta",
    "possible_types",
]

TypeKind: TypeAlias = Literal["object", "interface", "union", "enum", "input", "scalar"]
OperationType: TypeAlias = Literal["query", "mutation", "subscription"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphInfo:
    """One subgraph: its plan name, its URL, and the `join__Graph` enum value naming it."""

    name: str
    url: str
    enum_value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Key:
    """One `@key` of a type in one subgraph; non-resolvable keys cannot be jumped to."""

    graph: str
    fields: str
    selection: SelectionSetNode
    resolvable: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeInGraph:
    """A type as one subgraph declares it."""

    graph: str
    keys: tuple[Key, ...] = ()
    extension: bool = False
    is_interface_object: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextArgument:
    """An argument the gateway fills from a context (`@join__field(contextArguments:)`).

    `context` names the context (as `<subgraph>__<name>`), `type` is the argument's type as the
    subgraph declares it, and `selection` is what to read from the nearest enclosing object of
    a type that sets the context: one field, or one per `... on T` condition.
    """

    context: str
    name: str
    type: str
    selection: SelectionSetNode


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldInGraph:
    """A field as one subgraph declares it (one `@join__field`, or implied by `@join__type`).

    `type` is the subgraph's own type for the field when it differs from the supergraph's.
    `override_label` set on the overriding side means the override is progressive; set on the
    overridden side (with `override_from` unset) it means "resolvable here while the label is off".
    """

    graph: str
    type: str | None = None
    requires: SelectionSetNode | None = None
    requires_text: str | None = None
    provides: SelectionSetNode | None = None
    external: bool = False
    override_from: str | None = None
    override_label: str | None = None
    used_overridden: bool = False
    context_arguments: tuple[ContextArgument, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class JoinDirective:
    """One `@join__directive(graphs:, name:, args:)`: `@name(args)` as `graphs` apply it in
    their own schemas (Apollo Connectors' `@connect`, `@source`, their `@link`)."""

    name: str
    graphs: tuple[str, ...]
    args: Mapping[str, object]


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldMeta:
    """A field of an object, interface or input type, with every subgraph that declares it."""

    name: str
    type: str
    graphs: Mapping[str, FieldInGraph]
    directives: tuple[JoinDirective, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeMeta:
    """A named type with its per-subgraph facts."""

    name: str
    kind: TypeKind
    graphs: Mapping[str, TypeInGraph]
    fields: Mapping[str, FieldMeta] = field(default_factory=dict)
    implements: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    union_members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    enum_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    contexts: tuple[str, ...] = ()
    directives: tuple[JoinDirective, ...] = ()

    @property
    def keys(self) -> tuple[Key, ...]:
        return tuple(key for info in self.graphs.values() for key in info.keys)


@dataclass(frozen=True, slots=True, kw_only=True)
class Supergraph:
    """A loaded supergraph.

    `schema` is the full supergraph schema (inaccessible elements included, since keys and
    requires may use them); `api_schema` is what clients see.
    """

    sdl: str
    schema: GraphQLSchema
    api_schema: GraphQLSchema
    subgraphs: Mapping[str, SubgraphInfo]
    types: Mapping[str, TypeMeta]
    root_types: Mapping[OperationType, str]
    links: Links = field(default_factory=lambda: Links(features={}))
    schema_directives: tuple[JoinDirective, ...] = ()

    def directive_name(self, spec: str, name: str | None = None) -> str:
        """The local name of a linked spec's directive: `@auth` for `@authenticated` when the
        supergraph imports it `as: "@auth"`, `@j__type` for `@join__type` under `as: "j"`."""
        return self.links.directive_name(spec, name)


def possible_types(schema: GraphQLSchema) -> dict[str, frozenset[str]]:
    """Abstract type name -> its object types, for type conditions during execution."""
    return {
        name: frozenset(t.name for t in schema.get_possible_types(type_))
        for name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType)
    }
