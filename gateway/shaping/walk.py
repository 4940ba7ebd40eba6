"""The careful shaping walk: every check, linked paths, and one request's errors.

`shape_response` runs it only when the generated walk (`codegen.py`) gave up: it shapes
an object with the closures `compiler.py` compiled (one per field and type wrapper), reports
each problem once at its path and bubbles a null in a non-null position to the nearest nullable
parent. Paths are linked pairs `(parent, key)` and are only flattened when an error needs one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.shaping.compiler import ObjectShape

__all__ = ["BUBBLE", "FIELD", "RAW", "TYPENAME", "PathLink", "ShapeState", "walk_fields"]

BUBBLE: Any = object()  # "null in a non-null position": the nearest nullable parent becomes null
TYPENAME, RAW, FIELD = 0, 1, 2
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
