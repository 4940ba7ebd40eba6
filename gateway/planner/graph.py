"""Questions the planner asks about one subgraph's view of the supergraph.

"Can subgraph S resolve T.f?" folds in `@external`, `@override` (with progressive-override
labels), and which runtime types an abstract type has in S (partial unions, interfaces
implemented in only some subgraphs).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
)

from gateway.supergraph import ContextArgument, FieldInGraph, Key, Supergraph

__all__ = ["SubgraphView", "list_depth"]


def list_depth(field_type: GraphQLOutputType) -> int:
    """How many list wrappers a field's type has (each one is a `@` in a Flatten path)."""
    depth = 0
    current: object = field_type
    while isinstance(current, GraphQLNonNull | GraphQLList):
        if isinstance(current, GraphQLList):
            depth += 1
        current = current.of_type
    return depth


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphView:
    """The supergraph seen by the planner, with progressive-override labels decided.

    `enabled_labels` holds the override labels in force: for those, the overriding subgraph
    resolves the field; for every other label, the original subgraph still does.
    """

    supergraph: Supergraph
    enabled_labels: frozenset[str]

    @property
    def graphs(self) -> tuple[str, ...]:
        return tuple(self.supergraph.subgraphs)

    def field(self, type_name: str, field_name: str) -> GraphQLField | None:
        parent = self.supergraph.schema.type_map.get(type_name)
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            found: GraphQLField | None = parent.fields.get(field_name)
            return found
        return None

    def is_leaf(self, type_name: str, field_name: str) -> bool:
        definition = self.field(type_name, field_name)
        return definition is None or is_leaf_type(get_named_type(definition.type))

    def child_type(self, type_name: str, field_name: str, graph: str) -> str | None:
        """The named type a field returns in `graph` (it may be narrower than the supergraph's:
        an object where the supergraph has an interface)."""
        info = self.in_graph(type_name, field_name, graph)
        if info is not None and info.type is not None:
            named = info.type.strip("[]! ")
            if named in self.supergraph.schema.type_map:
                return named
        definition = self.field(type_name, field_name)
        return get_named_type(definition.type).name if definition is not None else None

    def is_abstract(self, type_name: str) -> bool:
        return is_abstract_type(self.supergraph.schema.type_map.get(type_name))

    def has_type(self, type_name: str, graph: str) -> bool:
        meta = self.supergraph.types.get(type_name)
        return meta is not None and graph in meta.graphs

    def in_graph(self, type_name: str, field_name: str, graph: str) -> FieldInGraph | None:
        meta = self.supergraph.types.get(type_name)
        field = meta.fields.get(field_name) if meta else None
        return field.graphs.get(graph) if field else None

    def resolves(self, type_name: str, field_name: str, graph: str) -> bool:
        """Whether `graph` resolves the field itself (not external, not overridden away)."""
        info = self.in_graph(type_name, field_name, graph)
        if info is None or info.external or info.used_overridden:
            return False
        if info.override_label is None:
            return True
        enabled = info.override_label in self.enabled_labels
        return enabled if info.override_from is not None else not enabled

    def resolving_graphs(self, type_name: str, field_name: str) -> tuple[str, ...]:
        return tuple(g for g in self.graphs if self.resolves(type_name, field_name, g))

    def requires(self, type_name: str, field_name: str, graph: str) -> SelectionSetNode | None:
        info = self.in_graph(type_name, field_name, graph)
        return info.requires if info else None

    def contexts(self, type_name: str, field_name: str, graph: str) -> tuple[ContextArgument, ...]:
        """The arguments of the field in `graph` that the gateway fills from a context."""
        info = self.in_graph(type_name, field_name, graph)
        return info.context_arguments if info else ()

    def provides(self, type_name: str, field_name: str, graph: str) -> SelectionSetNode | None:
        info = self.in_graph(type_name, field_name, graph)
        return info.provides if info else None

    def keys(self, type_name: str, graph: str) -> tuple[Key, ...]:
        """The keys another subgraph may use to jump into `graph` for this type."""
        meta = self.supergraph.types.get(type_name)
        info = meta.graphs.get(graph) if meta else None
        return tuple(k for k in info.keys if k.resolvable) if info else ()

    def all_keys(self, type_name: str, graph: str) -> tuple[Key, ...]:
        meta = self.supergraph.types.get(type_name)
        info = meta.graphs.get(graph) if meta else None
        return info.keys if info else ()

    def is_interface_object(self, type_name: str, graph: str) -> bool:
        meta = self.supergraph.types.get(type_name)
        info = meta.graphs.get(graph) if meta else None
        return info is not None and info.is_interface_object

    def interface_objects_of(self, type_name: str) -> tuple[str, ...]:
        """Interfaces of an object type that some subgraph models as `@interfaceObject`."""
        parent = self.supergraph.schema.type_map.get(type_name)
        if not isinstance(parent, GraphQLObjectType):
            return ()
        return tuple(
            i.name
            for i in parent.interfaces
            if any(self.is_interface_object(i.name, g) for g in self.graphs)
        )

    def possible_types(self, type_name: str) -> tuple[str, ...]:
        """Object types a value of this type can have, in the supergraph."""
        schema = self.supergraph.schema
        named = schema.type_map.get(type_name)
        if isinstance(named, GraphQLObjectType):
            return (named.name,)
        if named is None or not is_abstract_type(named):
            return ()
        return tuple(t.name for t in schema.get_possible_types(named))  # type: ignore[arg-type]

    def runtime_types(self, type_name: str, graph: str) -> tuple[str, ...]:
        """Object types that `graph` can return for an abstract type (what it knows of them)."""
        meta = self.supergraph.types.get(type_name)
        if meta is not None and meta.kind == "union" and meta.union_members:
            return meta.union_members.get(graph, ())
        found: list[str] = []
        for name in self.possible_types(type_name):
            member = self.supergraph.types.get(name)
            if member is None or graph not in member.graphs:
                continue
            declared = member.implements.get(graph, ())
            if (
                member.implements
                and meta is not None
                and meta.kind == "interface"
                and type_name not in declared
            ):
                continue
            found.append(name)
        return tuple(found)

    def applies(self, type_name: str, condition: str | None) -> bool:
        """Whether a fragment with this type condition applies to objects of `type_name`."""
        if condition is None or condition == type_name:
            return True
        return type_name in self.possible_types(condition) or (
            self.is_abstract(type_name) and self.overlaps(type_name, condition)
        )

    def overlaps(self, left: str, right: str) -> bool:
        return bool(set(self.possible_types(left)) & set(self.possible_types(right)))
