"""Compile the client's operation into shaping functions, once per document and directives.

Shaping walks every object of every response, so the per-object work must be small: which
fields to emit, under which key, checked how. That depends only on the operation, the API
schema and the values of the variables used by `@skip`/`@include`, so it is compiled once into
closures (one per field and type wrapper, run by the careful walk in `walk.py`) and
reused by every request with the same inputs.

Each object shape also gets a generated function (`ObjectShape.fast`, from `codegen.py`)
that shapes well-formed data with no paths and no per-field dispatch, and raises `Fallback` at
the first value that needs an error or a bubble; `shape_response` then runs the careful
closures instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
    is_abstract_type,
)
from graphql.execution.collect_fields import collect_fields, collect_sub_fields

from gateway.operation import PreparedOperation
from gateway.shaping.codegen import (
    CALL,
    ENUM,
    LEAF,
    LIST,
    OBJECT,
    Fallback,
    FastField,
    FastShape,
    FastValue,
    object_function,
)
from gateway.shaping.introspection import INTROSPECTION_FIELDS
from gateway.shaping.walk import (
    BUBBLE,
    FIELD,
    RAW,
    TYPENAME,
    PathLink,
    ShapeState,
    walk_fields,
)

__all__ = ["CompiledShape", "ObjectShape", "compile_shape", "directive_variables"]

_NO_FAST_PATH: frozenset[type] = frozenset()


Completer = Callable[[ShapeState, Any, PathLink, Any], Any]


@dataclass(frozen=True, slots=True)
class ObjectShape:
    """What to emit for one object type, in client order.

    Each entry is (response key, mode, completer, classes): a value whose class is in `classes`
    (well-typed leaves, and None where null is allowed) is copied without calling the completer.
    `fast` shapes the same object with generated straight-line code (see `codegen.py`).
    """

    type_name: str
    entries: tuple[tuple[str, int, Completer | None, frozenset[type]], ...]
    fast: FastShape
    fast_fields: tuple[FastField, ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledShape:
    """The root object's shape for one operation and one set of directive variable values."""

    root: ObjectShape


def compile_shape(
    prepared: PreparedOperation, schema: GraphQLSchema, variables: Mapping[str, Any]
) -> CompiledShape:
    """Compile the operation's shaping functions for these `@skip`/`@include` values."""
    compiler = _Compiler(schema, prepared, variables)
    root_type = schema.get_root_type(prepared.operation.operation)
    assert root_type is not None  # validation rejects operations the schema has no root for
    fields = collect_fields(
        schema, compiler.fragments, compiler.variables, root_type, prepared.operation.selection_set
    )
    return CompiledShape(root=compiler.object_shape(root_type, fields))


def directive_variables(prepared: PreparedOperation) -> tuple[str, ...]:
    """The variables `@skip`/`@include` read; a compiled shape holds for one set of values."""
    found: set[str] = set()

    def visit(selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set else ():
            for directive in selection.directives or ():
                if directive.name.value in ("skip", "include"):
                    found.update(
                        arg.value.name.value
                        for arg in directive.arguments
                        if isinstance(arg.value, VariableNode)
                    )
            if isinstance(selection, FieldNode | InlineFragmentNode):
                visit(selection.selection_set)

    visit(prepared.operation.selection_set)
    for fragment in prepared.fragments.values():
        visit(fragment.selection_set)
    return tuple(sorted(found))


class _Compiler:
    def __init__(
        self, schema: GraphQLSchema, prepared: PreparedOperation, variables: Mapping[str, Any]
    ) -> None:
        self.schema = schema
        self.fragments = dict(prepared.fragments)
        self.variables = dict(variables)

    def object_shape(
        self, type_: GraphQLObjectType | GraphQLInterfaceType, fields: Mapping[str, list[FieldNode]]
    ) -> ObjectShape:
        entries: list[tuple[str, int, Completer | None, frozenset[type]]] = []
        fast: list[FastField] = []
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                entries.append((key, TYPENAME, None, _NO_FAST_PATH))
                fast.append((key, TYPENAME, None))
            elif name in INTROSPECTION_FIELDS:
                entries.append((key, RAW, None, _NO_FAST_PATH))
                fast.append((key, RAW, None))
            elif name in type_.fields:
                field_type = type_.fields[name].type
                completer, value = self.completer(field_type, nodes, f"{type_.name}.{name}")
                entries.append((key, FIELD, completer, _fast_classes(field_type)))
                fast.append((key, FIELD, value))
        fields_ = tuple(fast)
        return ObjectShape(
            type_.name, tuple(entries), object_function(type_.name, fields_), fields_
        )

    def sub_shape(
        self, type_: GraphQLObjectType | GraphQLInterfaceType, nodes: list[FieldNode]
    ) -> ObjectShape:
        # graphql-core only reads the runtime type's name and subtypes: an interface works too.
        fields = collect_sub_fields(
            self.schema,
            self.fragments,
            self.variables,
            type_,  # type: ignore[arg-type]
            nodes,
        )
        return self.object_shape(type_, fields)

    def completer(
        self, type_: GraphQLOutputType, nodes: list[FieldNode], label: str
    ) -> tuple[Completer, FastValue]:
        """The careful completer for a value of `type_`, and how the generated walk checks it."""
        if isinstance(type_, GraphQLNonNull):
            inner, value = self.completer(type_.of_type, nodes, label)
            return _non_null(inner, label, _locations(nodes)), value.non_null()
        if isinstance(type_, GraphQLList):
            item, value = self.completer(type_.of_type, nodes, label)
            return _list(item, label), FastValue(LIST, item=value)
        if isinstance(type_, GraphQLEnumType):
            return _enum(type_), FastValue(ENUM, names=frozenset(type_.values))
        if isinstance(type_, GraphQLScalarType):
            return _scalar(type_), FastValue(LEAF, classes=_EXACT.get(type_.name))
        if isinstance(type_, GraphQLObjectType):
            shape = self.sub_shape(type_, nodes)
            value = FastValue(OBJECT, call=shape.fast, shape=shape)
            return _object(shape), value
        assert is_abstract_type(type_)
        careful, fast = _abstract(self, type_, nodes)
        return careful, FastValue(CALL, call=fast)


def _fast_classes(type_: GraphQLOutputType) -> frozenset[type]:
    """Classes of values that need no checking in a field of `type_` (builtin scalars only)."""
    nullable = not isinstance(type_, GraphQLNonNull)
    named = type_ if nullable else type_.of_type  # type: ignore[union-attr]
    exact = _EXACT.get(named.name) if isinstance(named, GraphQLScalarType) else None
    if exact is None:
        return _NO_FAST_PATH
    return frozenset((*exact, type(None)) if nullable else exact)


def _locations(nodes: list[FieldNode]) -> list[dict[str, int]]:
    """Where the field is in the client's document, as the spec's `locations` entries."""
    found = []
    for node in nodes:
        if node.loc is not None:
            # The lexer counted lines as it read; `get_location` would scan the text again.
            token = node.loc.start_token
            found.append({"line": token.line, "column": token.column})
    return found


def _non_null(inner: Completer, label: str, locations: list[dict[str, int]]) -> Completer:
    message = f"Cannot return null for non-nullable field {label}."

    def complete(state: ShapeState, value: Any, parent: PathLink, key: Any) -> Any:
        result = inner(state, value, parent, key)
        if result is None:
            state.error(message, parent, key, always=False, locations=locations)
            return BUBBLE
        return result

    return complete


def _list(item: Completer, label: str) -> Completer:
    def complete(state: ShapeState, value: Any, parent: PathLink, key: Any) -> Any:
        if value is None:
            return None
        if value.__class__ is not list:
            state.error(f"Expected a list for {label}.", parent, key)
            return None
        here = (parent, key)
        out: list[Any] = []
        append = out.append
        for index, element in enumerate(value):
            shaped = item(state, element, here, index)
            if shaped is BUBBLE:
                return None
            append(shaped)
        return out

    return complete


def _object(shape: ObjectShape) -> Completer:
    def complete(state: ShapeState, value: Any, parent: PathLink, key: Any) -> Any:
        if value is None:
            return None
        if value.__class__ is not dict:
            state.error(f"Expected an object of type {shape.type_name}.", parent, key)
            return None
        shaped = walk_fields(state, shape, value, (parent, key))
        return None if shaped is BUBBLE else shaped

    return complete


def _abstract(
    compiler: _Compiler, type_: Any, nodes: list[FieldNode]
) -> tuple[Completer, FastShape]:
    shapes: dict[str, ObjectShape] = {}

    def shape_for(typename: object) -> ObjectShape | None:
        if typename is None and isinstance(type_, GraphQLInterfaceType):
            typename = type_.name  # no concrete type known: only the interface's own fields
        if not isinstance(typename, str):
            return None
        found = shapes.get(typename)
        if found is None:
            runtime = _runtime_type(compiler.schema, type_, typename)
            if runtime is None:
                return None
            found = shapes[typename] = compiler.sub_shape(runtime, nodes)
        return found

    def complete(state: ShapeState, value: Any, parent: PathLink, key: Any) -> Any:
        if value is None:
            return None
        if value.__class__ is not dict:
            state.error(f"Expected an object of type {type_.name}.", parent, key)
            return None
        shape = shape_for(value.get("__typename"))
        if shape is None:
            typename = value.get("__typename")
            message = f"Could not resolve the runtime type {typename!r} for {type_.name}."
            state.error(message, parent, key)
            return None
        shaped = walk_fields(state, shape, value, (parent, key))
        return None if shaped is BUBBLE else shaped

    def fast(value: Any) -> Any:
        if value.__class__ is not dict:
            raise Fallback
        shape = shape_for(value.get("__typename"))
        if shape is None:
            raise Fallback
        return shape.fast(value)

    return complete, fast


def _runtime_type(
    schema: GraphQLSchema, abstract: Any, typename: str
) -> GraphQLObjectType | GraphQLInterfaceType | None:
    """The type named `typename` if an object of it may stand where `abstract` is expected.

    An interface's own name is accepted too: an `@interfaceObject` subgraph only knows the
    interface, and a selection without concrete type conditions needs no more than that (the
    planner fetches the concrete type when the client's selection depends on it).
    """
    runtime = schema.type_map.get(typename)
    if isinstance(runtime, GraphQLObjectType) and schema.is_sub_type(abstract, runtime):
        return runtime
    if isinstance(runtime, GraphQLInterfaceType) and (
        runtime is abstract or schema.is_sub_type(abstract, runtime)
    ):
        return runtime
    return None


def _enum(type_: GraphQLEnumType) -> Completer:
    names = frozenset(type_.values)

    def complete(state: ShapeState, value: Any, parent: PathLink, key: Any) -> Any:
        if value is None or (value.__class__ is str and value in names):
            return value
        state.error(f"Enum '{type_.name}' cannot represent value: {value!r}", parent, key)
        return None

    return complete


_EXACT: dict[str, tuple[type, ...]] = {
    "String": (str,),
    "ID": (str,),
    "Boolean": (bool,),
    "Int": (int,),
    "Float": (float, int),
}


def _scalar(type_: GraphQLScalarType) -> Completer:
    exact = _EXACT.get(type_.name)
    if exact is None:
        return _identity  # custom scalars are opaque: the subgraph's value is the value

    def complete(state: ShapeState, value: Any, parent: PathLink, key: Any) -> Any:
        if value is None or value.__class__ in exact:
            return value
        try:
            return type_.serialize(value)
        except (GraphQLError, TypeError, ValueError) as error:
            state.error(str(error), parent, key)
            return None

    return complete


def _identity(state: ShapeState, value: Any, parent: PathLink, key: Any) -> Any:
    return value
