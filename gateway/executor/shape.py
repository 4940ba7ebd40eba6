"""Shape merged data into exactly the client's selection, with GraphQL's null propagation.

Merging and shaping are separate steps, as in Apollo's `resultShaping.ts`: the merged data holds
whatever the subgraphs sent (keys, `__typename`, `@requires` inputs, fields of several type
conditions), and only the client's operation, walked against the API schema, can say which of
it the client asked for, under which alias and in which order. One walk does it all: fragments
resolved by `__typename`, `@skip`/`@include` evaluated, leaves checked, and a null (or missing)
value in a non-null position bubbled to the nearest nullable parent, with an error unless one
already covers that path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    is_abstract_type,
)
from graphql.execution.collect_fields import collect_fields, collect_sub_fields

from gateway.operation.prepared import PreparedOperation

__all__ = ["shape_response"]

_BUBBLE = object()
_INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
_Path = tuple[str | int, ...]


def shape_response(
    prepared: PreparedOperation,
    api_schema: GraphQLSchema,
    variables: Mapping[str, Any],
    data: Mapping[str, Any] | None,
    errors: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """The response body: `data` in the client's shape, then every error."""
    shaper = _Shaper(api_schema, prepared, variables, errors)
    root_type = api_schema.get_root_type(prepared.operation.operation)
    assert root_type is not None  # validation rejects operations the schema has no root for
    fields = collect_fields(
        api_schema,
        dict(prepared.fragments),
        dict(variables),
        root_type,
        prepared.operation.selection_set,
    )
    shaped = shaper.fields(root_type, fields, data or {}, ())
    body: dict[str, Any] = {"data": None if shaped is _BUBBLE else shaped}
    if shaper.errors:
        body["errors"] = shaper.errors
    return body


class _Shaper:
    """One request's walk; remembers error paths so each null is explained exactly once."""

    def __init__(
        self,
        schema: GraphQLSchema,
        prepared: PreparedOperation,
        variables: Mapping[str, Any],
        errors: Sequence[dict[str, Any]],
    ) -> None:
        self.schema = schema
        self.fragments = dict(prepared.fragments)
        self.variables = dict(variables)
        self.errors: list[dict[str, Any]] = list(errors)
        self._error_paths: set[_Path] = set()
        self._error_prefixes: set[_Path] = set()
        self._subfields: dict[tuple[str, tuple[int, ...]], dict[str, list[FieldNode]]] = {}
        for error in errors:
            path = error.get("path")
            if isinstance(path, list):
                self._remember(tuple(path))

    def fields(
        self,
        parent: GraphQLObjectType,
        fields: Mapping[str, list[FieldNode]],
        source: Mapping[str, Any],
        path: _Path,
    ) -> object:
        out: dict[str, Any] = {}
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                out[key] = parent.name
                continue
            if name in _INTROSPECTION_FIELDS:
                out[key] = source.get(key)
                continue
            definition = parent.fields.get(name)
            if definition is None:
                continue
            value = self.complete(definition.type, nodes, source.get(key), (*path, key), parent)
            if value is _BUBBLE:
                return _BUBBLE
            out[key] = value
        return out

    def complete(
        self,
        type_: GraphQLOutputType,
        nodes: list[FieldNode],
        value: object,
        path: _Path,
        parent: GraphQLObjectType,
    ) -> object:
        if isinstance(type_, GraphQLNonNull):
            inner = self.complete(type_.of_type, nodes, value, path, parent)
            if inner is None:
                field_name = f"{parent.name}.{nodes[0].name.value}"
                self._error(f"Cannot return null for non-nullable field {field_name}.", path)
                return _BUBBLE
            return inner
        if value is None:
            return None
        if isinstance(type_, GraphQLList):
            return self._list(type_, nodes, value, path, parent)
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            return self._leaf(type_, value, path)
        return self._object(type_, nodes, value, path)

    def _list(
        self,
        type_: GraphQLList[Any],
        nodes: list[FieldNode],
        value: object,
        path: _Path,
        parent: GraphQLObjectType,
    ) -> object:
        if not isinstance(value, list):
            self._error(f"Expected a list at {parent.name}.{nodes[0].name.value}.", path, True)
            return None
        items = []
        for index, item in enumerate(value):
            shaped = self.complete(type_.of_type, nodes, item, (*path, index), parent)
            if shaped is _BUBBLE:
                return None
            items.append(shaped)
        return items

    def _object(
        self, type_: GraphQLOutputType, nodes: list[FieldNode], value: object, path: _Path
    ) -> object:
        if not isinstance(value, dict):
            self._error("Expected an object from the subgraph.", path, True)
            return None
        runtime = self._runtime_type(type_, value)
        if runtime is None:
            typename = value.get("__typename")
            self._error(f"Could not resolve the runtime type {typename!r} for {type_}.", path, True)
            return None
        key = (runtime.name, tuple(id(node) for node in nodes))
        fields = self._subfields.get(key)
        if fields is None:
            fields = collect_sub_fields(self.schema, self.fragments, self.variables, runtime, nodes)
            self._subfields[key] = fields
        shaped = self.fields(runtime, fields, value, path)
        return None if shaped is _BUBBLE else shaped

    def _runtime_type(
        self, type_: GraphQLOutputType, value: Mapping[str, Any]
    ) -> GraphQLObjectType | None:
        if isinstance(type_, GraphQLObjectType):
            return type_
        if not is_abstract_type(type_):
            return None
        typename = value.get("__typename")
        runtime = self.schema.type_map.get(typename) if isinstance(typename, str) else None
        if isinstance(runtime, GraphQLObjectType) and self.schema.is_sub_type(
            type_,  # type: ignore[arg-type]
            runtime,
        ):
            return runtime
        return None

    def _leaf(
        self, type_: GraphQLScalarType | GraphQLEnumType, value: object, path: _Path
    ) -> object:
        if isinstance(type_, GraphQLEnumType):
            if isinstance(value, str) and value in type_.values:
                return value
            self._error(f"Enum '{type_.name}' cannot represent value: {value!r}", path, True)
            return None
        checker = _BUILTIN_CHECKS.get(type_.name)
        if checker is None or checker(value):
            return value
        try:
            return type_.serialize(value)
        except (GraphQLError, TypeError, ValueError) as error:
            self._error(str(error), path, True)
            return None

    def _error(self, message: str, path: _Path, always: bool = False) -> None:
        if not always and self._covered(path):
            return
        self.errors.append({"message": message, "path": list(path)})
        self._remember(path)

    def _covered(self, path: _Path) -> bool:
        if path in self._error_prefixes:
            return True
        return any(path[:end] in self._error_paths for end in range(len(path)))

    def _remember(self, path: _Path) -> None:
        self._error_paths.add(path)
        for end in range(len(path) + 1):
            self._error_prefixes.add(path[:end])


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_BUILTIN_CHECKS: dict[str, Callable[[object], bool]] = {
    "String": lambda value: isinstance(value, str),
    "ID": lambda value: isinstance(value, str),
    "Boolean": lambda value: isinstance(value, bool),
    "Int": _is_int,
    "Float": lambda value: _is_int(value) or isinstance(value, float),
}
