"""What a subgraph request asks, read once per query text: entity fields or root fields.

The planner writes each subgraph operation once per plan, so the same texts come back again
and again; each is parsed here once (an LRU by text) into the little the cache needs: for
`_entities` fields, the variable holding the representations, a hash of the selection
(without the alias, so batches that alias differently share entries) and the other
variables it reads; for root fields, their names and argument nodes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from graphql import (
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    ValueNode,
    VariableNode,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor

__all__ = ["EntityField", "QueryShape", "RootField", "digest", "query_shape"]


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class EntityField:
    """One `alias: _entities(representations: $variable) {...}` of a request."""

    response_key: str
    variable: str
    selection: str
    """A hash of the field's directives and selection set."""
    reads: tuple[str, ...]
    """The other variables the field uses (arguments inside, context values)."""


@dataclass(frozen=True, slots=True)
class RootField:
    name: str
    arguments: tuple[tuple[str, ValueNode], ...]


@dataclass(frozen=True, slots=True)
class QueryShape:
    """`entities` for an entity fetch, `roots` for a root query; neither: not cacheable."""

    entities: tuple[EntityField, ...] = ()
    roots: tuple[RootField, ...] = ()


_NOT_CACHEABLE = QueryShape()


@lru_cache(maxsize=2048)
def query_shape(query: str) -> QueryShape:
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return _NOT_CACHEABLE
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return _NOT_CACHEABLE
    fields = operations[0].selection_set.selections
    if not all(isinstance(f, FieldNode) for f in fields):
        return _NOT_CACHEABLE
    selected = [f for f in fields if isinstance(f, FieldNode)]
    if all(f.name.value == "_entities" for f in selected):
        entities = tuple(_entity_field(f) for f in selected)
        if all(e is not None for e in entities):
            return QueryShape(entities=tuple(e for e in entities if e is not None))
        return _NOT_CACHEABLE
    if any(f.name.value in ("_entities", "__schema", "__type") for f in selected):
        return _NOT_CACHEABLE
    return QueryShape(roots=tuple(_root_field(f) for f in selected))


def _entity_field(field: FieldNode) -> EntityField | None:
    variable = next(
        (
            a.value.name.value
            for a in field.arguments or ()
            if a.name.value == "representations" and isinstance(a.value, VariableNode)
        ),
        None,
    )
    if variable is None or field.selection_set is None:
        return None
    directives = " ".join(print_ast(d) for d in field.directives or ())
    text = directives + print_ast(field.selection_set)
    reads = sorted(_variables(field) - {variable})
    return EntityField(
        response_key=field.alias.value if field.alias else field.name.value,
        variable=variable,
        selection=digest(text.encode()),
        reads=tuple(reads),
    )


def _root_field(field: FieldNode) -> RootField:
    return RootField(
        name=field.name.value,
        arguments=tuple((a.name.value, a.value) for a in field.arguments or ()),
    )


def _variables(field: FieldNode) -> set[str]:
    found: set[str] = set()

    class _Reads(Visitor):
        def enter_variable(self, node: VariableNode, *_: object) -> None:
            found.add(node.name.value)

    visit(field, _Reads())
    return found
