"""Compile the client's operation into shaping functions, once per document and directives.

Shaping walks every object of every response, so the per-object work must be small: which
fields to emit, under which key, checked how. That depends only on the operation, the API
schema and the values of the variables used by `@skip`/`@include`, so it is compiled once into
closures (one per field and type wrapper) and reused by every request with the same inputs.
Paths are linked pairs `(parent, key)` and are only flattened when an error needs one.

Each object shape also gets a generated function (`ObjectShape.fast`) that shapes well-formed
data with no paths and no per-field dispatch, and raises `Fallback` at the first value that
needs an error or a bubble; `shape_response` then runs the careful closures instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType
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

from gateway.operation.prepared import PreparedOperation

__all__ = [
    "BUBBLE",
    "CompiledShape",
    "Fallback",
    "ObjectShape",
    "ShapeState",
    "compile_shape",
    "directive_variables",
    "walk_fields",
]

BUBBLE: Any = object()  # "null in a non-null position": the nearest nullable parent becomes null
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
TYPENAME, RAW, FIELD = 0, 1, 2
_NO_FAST_PATH: frozenset[type] = frozenset()
PathLink = tuple[Any, str | int] | None


class ShapeState:
    """One request's errors, and which paths they cover, so each null is explained once."""

    __slots__ = ("_error_paths", "_error_prefixes", "errors")

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        self._error_paths: set[tuple[Any, ...]] = set()
        self._error_prefixes: set[tuple[Any, ...]] = set()
        for error in errors:
            path = error.get("path")
            if isinstance(path, list):
                self._remember(tuple(path))

    def error(
        self,
        message: str,
        parent: PathLink,
        key: str | int,
        always: bool = True,
        locations: list[dict[str, int]] | None = None,
    ) -> None:
        path = _flatten(parent, key)
        if not always and self._covered(path):
            return
        error: dict[str, Any] = {"message": message}
        if locations:
            error["locations"] = locations
        error["path"] = list(path)
        self.errors.append(error)
        self._remember(path)

    def _covered(self, path: tuple[Any, ...]) -> bool:
        if path in self._error_prefixes:
            return True
        return any(path[:end] in self._error_paths for end in range(len(path)))

    def _remember(self, path: tuple[Any, ...]) -> None:
        self._error_paths.add(path)
        for end in range(len(path) + 1):
            self._error_prefixes.add(path[:end])


def _flatten(parent: PathLink, key: str | int) -> tuple[Any, ...]:
    keys: list[Any] = [key]
    while parent is not None:
        parent, element = parent
        keys.append(element)
    keys.reverse()
    return tuple(keys)


Completer = Callable[[ShapeState, Any, PathLink, Any], Any]


FastShape = Callable[[Any], Any]
"""A generated function: the shaped copy of one value, or `Fallback` raised."""


class Fallback(Exception):
    """Raised by the generated walk where only the careful walk can decide: an error or a bubble.

    The generated walk has no paths and no error list, so instead of reporting it gives up and
    the careful walk (`walk_fields`) shapes the whole response again, with identical output.
    """


@dataclass(frozen=True, slots=True)
class ObjectShape:
    """What to emit for one object type, in client order.

    Each entry is (response key, mode, completer, classes): a value whose class is in `classes`
    (well-typed leaves, and None where null is allowed) is copied without calling the completer.
    `fast` shapes the same object with generated straight-line code (see `_FastWriter`).
    """

    type_name: str
    entries: tuple[tuple[str, int, Completer | None, frozenset[type]], ...]
    fast: FastShape
    fast_fields: tuple[FastField, ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledShape:
    """The root object's shape for one operation and one set of directive variable values."""

    root: ObjectShape


def walk_fields(state: ShapeState, shape: ObjectShape, source: Any, here: PathLink) -> Any:
    """Shape one object; BUBBLE when a non-null field is null."""
    out: dict[str, Any] = {}
    get = source.get
    for key, mode, complete, fast in shape.entries:
        if mode == FIELD:
            value = get(key)
            if value.__class__ not in fast:
                value = complete(state, value, here, key)  # type: ignore[misc]
                if value is BUBBLE:
                    return BUBBLE
            out[key] = value
        elif mode == TYPENAME:
            out[key] = shape.type_name
        else:
            out[key] = get(key)
    return out


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
            type_.name, tuple(entries), _object_function(type_.name, fields_), fields_
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
    ) -> tuple[Completer, _FastValue]:
        """The careful completer for a value of `type_`, and how the generated walk checks it."""
        if isinstance(type_, GraphQLNonNull):
            inner, value = self.completer(type_.of_type, nodes, label)
            return _non_null(inner, label, _locations(nodes)), value.non_null()
        if isinstance(type_, GraphQLList):
            item, value = self.completer(type_.of_type, nodes, label)
            return _list(item, label), _FastValue(_LIST, item=value)
        if isinstance(type_, GraphQLEnumType):
            return _enum(type_), _FastValue(_ENUM, names=frozenset(type_.values))
        if isinstance(type_, GraphQLScalarType):
            return _scalar(type_), _FastValue(_LEAF, classes=_EXACT.get(type_.name))
        if isinstance(type_, GraphQLObjectType):
            shape = self.sub_shape(type_, nodes)
            value = _FastValue(_OBJECT, call=shape.fast, shape=shape)
            return _object(shape), value
        assert is_abstract_type(type_)
        careful, fast = _abstract(self, type_, nodes)
        return careful, _FastValue(_CALL, call=fast)


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


_LEAF, _ENUM, _CALL, _LIST, _OBJECT = range(5)
_INLINE_DEPTH = 4  # nested objects and lists written into one function before calling another


@dataclass(frozen=True, slots=True)
class _FastValue:
    """How the generated walk checks and copies a value of one (unwrapped) type.

    `_LEAF`: a scalar, checked against `classes` (None: a custom scalar, copied as it is);
    `_ENUM`: a string in `names`; `_OBJECT`: an object of `shape`, written inline or shaped by
    `call`; `_CALL`: an abstract type's object, shaped by `call` (which checks that the value
    is a dict); `_LIST`: a list of `item`.
    """

    kind: int
    nullable: bool = True
    classes: tuple[type, ...] | None = None
    names: frozenset[str] | None = None
    call: FastShape | None = None
    item: _FastValue | None = None
    shape: ObjectShape | None = None

    def non_null(self) -> _FastValue:
        return _FastValue(
            self.kind, False, self.classes, self.names, self.call, self.item, self.shape
        )


FastField = tuple[str, int, "_FastValue | None"]
"""(response key, TYPENAME/RAW/FIELD, how to check the value) for one entry of a fast shape."""


class _FastWriter:
    """Writes the source of one generated function and the names it refers to.

    Why generate code: per-field generic dispatch (a tuple per entry, a mode test, a completer
    call per non-trivial value) was most of shaping's cost. A function per object type with one
    local per field, leaf checks written inline, nested objects and lists written inline a few
    levels deep (no call per object) and each result built by one dict display does the same
    work in a fraction of the bytecode. The only values interpolated into the source are
    `repr()`s of response keys and type names; everything else is passed by name.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"Fallback": Fallback}
        self.count = 0

    def ref(self, value: Any) -> str:
        name = f"_r{len(self.names)}"
        self.names[name] = value
        return name

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def check(self, var: str, value: _FastValue, indent: str, depth: int) -> None:
        """Statements that check `var` and replace it by its shaped copy, or raise Fallback."""
        line = self.lines.append
        kind, nullable = value.kind, value.nullable
        if kind == _LEAF and value.classes is None:
            if not nullable:
                line(f"{indent}if {var} is None: raise Fallback")
            return
        if kind == _LEAF:  # the class test first: most values are not null
            assert value.classes is not None
            tests = [f"{var}.__class__ is not {self.ref(c)}" for c in value.classes]
            guard = " and ".join([*tests, f"{var} is not None"] if nullable else tests)
            line(f"{indent}if {guard}: raise Fallback")
            return
        if kind == _ENUM:
            bad = f"({var}.__class__ is not str or {var} not in {self.ref(value.names)})"
            guard = f"{var} is not None and {bad}" if nullable else bad
            line(f"{indent}if {guard}: raise Fallback")
            return
        if kind == _CALL or depth >= _INLINE_DEPTH:
            call = _list_function(value) if kind == _LIST else value.call
            shaped = f"{var} = {self.ref(call)}({var})"  # the callee rejects None, wrong classes
            line(f"{indent}if {var} is not None: {shaped}" if nullable else f"{indent}{shaped}")
            return
        if nullable:
            line(f"{indent}if {var} is not None:")
            indent += "    "
        if kind == _OBJECT:
            assert value.shape is not None
            shape = value.shape
            display = self.object(var, shape.type_name, shape.fast_fields, indent, depth + 1)
            line(f"{indent}{var} = {display}")
            return
        assert value.item is not None
        out, item = self.fresh("out"), self.fresh("e")
        line(f"{indent}if {var}.__class__ is not list: raise Fallback")
        line(f"{indent}{out} = []")
        line(f"{indent}for {item} in {var}:")
        # Only objects (and lists directly in lists) count towards the depth: a list of objects
        # costs no call of its own.
        nested = depth + 1 if value.item.kind == _LIST else depth
        self.check(item, value.item, indent + "    ", nested)
        line(f"{indent}    {out}.append({item})")
        line(f"{indent}{var} = {out}")

    def object(
        self, source: str, type_name: str, fields: tuple[FastField, ...], indent: str, depth: int
    ) -> str:
        """Statements that check the dict `source` and read its fields; returns the display."""
        line = self.lines.append
        get = f"{source}.get"  # a method call per field beats a bound method per object (3.11)
        line(f"{indent}if {source}.__class__ is not dict: raise Fallback")
        items: list[str] = []
        for key, mode, value in fields:
            if mode == TYPENAME:
                items.append(f"{key!r}: {type_name!r}")
            elif mode == RAW:
                items.append(f"{key!r}: {get}({key!r})")
            else:
                assert value is not None
                var = self.fresh("v")
                line(f"{indent}{var} = {get}({key!r})")
                self.check(var, value, indent, depth)
                items.append(f"{key!r}: {var}")
        return "{" + ", ".join(items) + "}"

    def function(self, signature: str) -> FastShape:
        source = f"def {signature}:\n" + "\n".join(self.lines) + "\n"
        namespace = dict(self.names)
        exec(_compiled(source), namespace)  # safe: see the class docstring
        function: FastShape = namespace[signature.partition("(")[0]]
        return function


@lru_cache(maxsize=1024)
def _compiled(source: str) -> CodeType:
    """Compiling is most of the cost of generating; a selection repeats within and across
    documents (the same fragment in several places), and only the names bound to it differ."""
    return compile(source, "<shape>", "exec")


def _object_function(type_name: str, fields: tuple[FastField, ...]) -> FastShape:
    """The generated shaping function for one object type's selection."""
    writer = _FastWriter()
    display = writer.object("s", type_name, fields, "    ", 0)
    writer.lines.append(f"    return {display}")
    return writer.function("shape_object(s)")


def _list_function(value: _FastValue) -> FastShape:
    """The generated function that checks a list and returns the shaped copy of its items."""
    writer = _FastWriter()
    writer.check("v", value.non_null(), "    ", 0)
    writer.lines.append("    return v")
    return writer.function("shape_list(v)")
