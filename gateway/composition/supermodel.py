"""The merged supergraph model that `merge` builds and `print` writes as join-spec SDL."""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.composition.model import Carried, TypeDef, TypeKind
from gateway.composition.model import Field as SubgraphField

__all__ = [
    "ContextArgument",
    "JoinField",
    "JoinType",
    "SuperArgument",
    "SuperEnumValue",
    "SuperField",
    "SuperGraph",
    "SuperType",
    "Supergraph",
]


@dataclass(slots=True, kw_only=True)
class JoinType:
    """One `@join__type` application."""

    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    interface_object: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextArgument:
    """One `join__ContextArgument`: an argument the gateway fills from a context."""

    context: str
    name: str
    type: str
    selection: str


@dataclass(slots=True, kw_only=True)
class JoinField:
    """One `@join__field` application."""

    graph: str | None
    type: str | None = None
    external: bool = False
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False
    context_arguments: list[ContextArgument] = field(default_factory=list)

    @property
    def is_plain(self) -> bool:
        return not (
            self.context_arguments
            or self.type
            or self.external
            or self.requires
            or self.provides
            or self.override
            or self.override_label
            or self.used_overridden
        )


@dataclass(slots=True, kw_only=True)
class SuperArgument:
    """A merged argument or input field."""

    name: str
    type: str
    default: str | None = None
    description: str | None = None
    carried: Carried = field(default_factory=Carried)
    graphs: list[str] = field(default_factory=list)
    source_types: dict[str, str] = field(default_factory=dict)
    joins: list[JoinField] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class SuperField:
    """A merged output field; `joins` is empty when every graph of the type resolves it plainly."""

    name: str
    type: str
    args: dict[str, SuperArgument] = field(default_factory=dict)
    description: str | None = None
    carried: Carried = field(default_factory=Carried)
    sources: dict[str, SubgraphField] = field(default_factory=dict)
    joins: list[JoinField] = field(default_factory=list)
    resolved_in: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class SuperEnumValue:
    """A merged enum value and the graphs that define it."""

    name: str
    description: str | None = None
    carried: Carried = field(default_factory=Carried)
    graphs: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class SuperType:
    """A merged named type with its join information."""

    name: str
    kind: TypeKind
    description: str | None = None
    carried: Carried = field(default_factory=Carried)
    sources: dict[str, TypeDef] = field(default_factory=dict)
    join_types: list[JoinType] = field(default_factory=list)
    fields: dict[str, SuperField] = field(default_factory=dict)
    input_fields: dict[str, SuperArgument] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    implements: list[tuple[str, str]] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    member_graphs: list[tuple[str, str]] = field(default_factory=list)
    values: dict[str, SuperEnumValue] = field(default_factory=dict)
    contexts: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class SuperGraph:
    """One subgraph as the supergraph names it: its name, its `join__Graph` value and its URL."""

    name: str
    enum_value: str
    url: str


@dataclass(slots=True, kw_only=True)
class Supergraph:
    """Everything the printer needs."""

    graphs: list[SuperGraph]
    types: dict[str, SuperType]
    version: tuple[int, int]
    links: list[str] = field(default_factory=list)
    directive_definitions: list[str] = field(default_factory=list)
