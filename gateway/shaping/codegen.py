"""Generate one straight-line shaping function per object shape: the walk for good data.

Shaping walks every object of every response. For well-formed data the careful closures
(`compiler.py`) do far more than needed, so each object shape also gets a generated function
(`ObjectShape.fast`) that shapes it with no paths and no per-field dispatch, and raises
`Fallback` at the first value that needs an error or a bubble; `shape_response` then runs the
careful walk (`walk.py`) instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType
from typing import TYPE_CHECKING, Any

from gateway.shaping.walk import RAW, TYPENAME

if TYPE_CHECKING:
    from gateway.shaping.compiler import ObjectShape

__all__ = [
    "CALL",
    "ENUM",
    "LEAF",
    "LIST",
    "OBJECT",
    "Fallback",
    "FastField",
    "FastShape",
    "FastValue",
    "object_function",
]

FastShape = Callable[[Any], Any]
"""A generated function: the shaped copy of one value, or `Fallback` raised."""


class Fallback(Exception):
    """Raised by the generated walk where only the careful walk can decide: an error or a bubble.

    The generated walk has no paths and no error list, so instead of reporting it gives up and
    the careful walk (`walk_fields`) shapes the whole response again, with identical output.
    """


LEAF, ENUM, CALL, LIST, OBJECT = range(5)
_INLINE_DEPTH = 4  # nested objects and lists written into one function before calling another


@dataclass(frozen=True, slots=True)
class FastValue:
    """How the generated walk checks and copies a value of one (unwrapped) type.

    `LEAF`: a scalar, checked against `classes` (None: a custom scalar, copied as it is);
    `ENUM`: a string in `names`; `OBJECT`: an object of `shape`, written inline or shaped by
    `call`; `CALL`: an abstract type's object, shaped by `call` (which checks that the value
    is a dict); `LIST`: a list of `item`.
    """

    kind: int
    nullable: bool = True
    classes: tuple[type, ...] | None = None
    names: frozenset[str] | None = None
    call: FastShape | None = None
    item: FastValue | None = None
    shape: ObjectShape | None = None

    def non_null(self) -> FastValue:
        return FastValue(
            self.kind, False, self.classes, self.names, self.call, self.item, self.shape
        )


FastField = tuple[str, int, "FastValue | None"]
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

    def check(self, var: str, value: FastValue, indent: str, depth: int) -> None:
        """Statements that check `var` and replace it by its shaped copy, or raise Fallback."""
        line = self.lines.append
        kind, nullable = value.kind, value.nullable
        if kind == LEAF and value.classes is None:
            if not nullable:
                line(f"{indent}if {var} is None: raise Fallback")
            return
        if kind == LEAF:  # the class test first: most values are not null
            assert value.classes is not None
            tests = [f"{var}.__class__ is not {self.ref(c)}" for c in value.classes]
            guard = " and ".join([*tests, f"{var} is not None"] if nullable else tests)
            line(f"{indent}if {guard}: raise Fallback")
            return
        if kind == ENUM:
            bad = f"({var}.__class__ is not str or {var} not in {self.ref(value.names)})"
            guard = f"{var} is not None and {bad}" if nullable else bad
            line(f"{indent}if {guard}: raise Fallback")
            return
        if kind == CALL or depth >= _INLINE_DEPTH:
            call = _list_function(value) if kind == LIST else value.call
            shaped = f"{var} = {self.ref(call)}({var})"  # the callee rejects None, wrong classes
            line(f"{indent}if {var} is not None: {shaped}" if nullable else f"{indent}{shaped}")
            return
        if nullable:
            line(f"{indent}if {var} is not None:")
            indent += "    "
        if kind == OBJECT:
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
        nested = depth + 1 if value.item.kind == LIST else depth
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


def object_function(type_name: str, fields: tuple[FastField, ...]) -> FastShape:
    """The generated shaping function for one object type's selection."""
    writer = _FastWriter()
    display = writer.object("s", type_name, fields, "    ", 0)
    writer.lines.append(f"    return {display}")
    return writer.function("shape_object(s)")


def _list_function(value: FastValue) -> FastShape:
    """The generated function that checks a list and returns the shaped copy of its items."""
    writer = _FastWriter()
    writer.check("v", value.non_null(), "    ", 0)
    writer.lines.append("    return v")
    return writer.function("shape_list(v)")
