"""The subgraph model that parsing builds and merging reads: what each subgraph says, normalised.

Federation directives are resolved to their meaning here (whatever a subgraph's `@link` renamed
them to), so later stages never look at directive names again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from graphql import FieldNode, GraphQLSyntaxError, SelectionSetNode, parse

__all__ = [
    "ROOT_KINDS",
    "Argument",
    "Carried",
    "EnumValue",
    "Field",
    "Key",
    "ListSize",
    "Subgraph",
    "TypeDef",
    "TypeKind",
    "base_type",
    "field_set_names",
    "parse_field_set",
    "strip_non_null",
]

TypeKind = Literal["object", "interface", "union", "enum", "input", "scalar"]
ROOT_KINDS = ("query", "mutation", "subscription")


@dataclass(slots=True, kw_only=True)
class ListSize:
    """The arguments of one `@listSize` application."""

    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] | None = None
    sized_fields: tuple[str, ...] | None = None
    require_one_slicing_argument: bool = True


@dataclass(slots=True, kw_only=True)
class Carried:
    """Directives that composition carries to the supergraph rather than interprets."""

    inaccessible: bool = False
    tags: list[str] = field(default_factory=list)
    authenticated: bool = False
    scopes: list[tuple[str, ...]] = field(default_factory=list)
    policies: list[tuple[str, ...]] = field(default_factory=list)
    cost: int | None = None
    list_size: ListSize | None = None
    deprecated: str | None = None
    specified_by: str | None = None
    custom: list[str] = field(default_factory=list)
    cache_tags: list[str] = field(default_factory=list)
    """`@cacheTag(format:)` formats of one subgraph's element (before merging)."""
    join_directives: list[str] = field(default_factory=list)
    """`@join__directive(...)` applications of the merged element (`cache_tags` by graph)."""


@dataclass(slots=True, kw_only=True)
class Argument:
    """A field argument or an input field: a name, a type and an optional default."""

    name: str
    type: str
    default: str | None = None
    description: str | None = None
    carried: Carried = field(default_factory=Carried)
    line: int | None = None
    from_context: str | None = None


@dataclass(slots=True, kw_only=True)
class Field:
    """An output field with its federation meaning in one subgraph."""

    name: str
    type: str
    args: dict[str, Argument] = field(default_factory=dict)
    description: str | None = None
    carried: Carried = field(default_factory=Carried)
    shareable: bool = False
    external: bool = False
    requires: str | None = None
    provides: str | None = None
    override_from: str | None = None
    override_label: str | None = None
    line: int | None = None


@dataclass(slots=True, kw_only=True)
class Key:
    """One `@key` of an entity in one subgraph."""

    fields: str
    resolvable: bool = True
    line: int | None = None


@dataclass(slots=True, kw_only=True)
class EnumValue:
    """An enum value in one subgraph."""

    name: str
    description: str | None = None
    carried: Carried = field(default_factory=Carried)


@dataclass(slots=True, kw_only=True)
class TypeDef:
    """A named type as one subgraph defines it (definition and extensions folded together)."""

    name: str
    kind: TypeKind
    description: str | None = None
    carried: Carried = field(default_factory=Carried)
    fields: dict[str, Field] = field(default_factory=dict)
    input_fields: dict[str, Argument] = field(default_factory=dict)
    keys: list[Key] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValue] = field(default_factory=dict)
    shareable: bool = False
    extension: bool = False
    extends_directive: bool = False
    interface_object: bool = False
    line: int | None = None
    contexts: list[str] = field(default_factory=list)

    @property
    def is_entity(self) -> bool:
        return bool(self.keys)


@dataclass(slots=True, kw_only=True)
class Subgraph:
    """One subgraph, parsed: its types and what its `@link`s said."""

    name: str
    url: str
    version: tuple[int, int]
    types: dict[str, TypeDef] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    directive_definitions: dict[str, str] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)
    """The federation `@link`'s imports, canonical name to local name (`cost` -> `weight`)."""
    link_line: int | None = None
    """The line of the federation `@link` in the subgraph's SDL."""

    @property
    def is_fed1(self) -> bool:
        return self.version[0] < 2


def strip_non_null(type_ref: str) -> str:
    """`String!` -> `String`; leaves nullable types alone."""
    return type_ref[:-1] if type_ref.endswith("!") else type_ref


def base_type(type_ref: str) -> str:
    """The named type inside any list and non-null wrappers."""
    return type_ref.strip("[]!")


@lru_cache(maxsize=4096)
def parse_field_set(fields: str) -> SelectionSetNode | None:
    """Parse a `FieldSet` string such as `"id organization { id }"`; None when it is not valid.

    Cached: the same key and `@requires` strings are read by several rules and by satisfiability.
    """
    try:
        document = parse("{" + fields + "}", no_location=True)
    except GraphQLSyntaxError:
        return None
    operation = document.definitions[0]
    selection_set: SelectionSetNode | None = getattr(operation, "selection_set", None)
    return selection_set


@lru_cache(maxsize=4096)
def field_set_names(fields: str) -> tuple[str, ...]:
    """The top-level field names that a field set selects."""
    selection_set = parse_field_set(fields)
    if selection_set is None:
        return ()
    return tuple(s.name.value for s in selection_set.selections if isinstance(s, FieldNode))
