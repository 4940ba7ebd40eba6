"""Find the objects a Flatten node points at in the merged data, with their client paths.

A Flatten path is made of response keys, `"@"` for "each element of this list" and, as in
Apollo's plans, `"... on T"` to keep only objects whose `__typename` is (a subtype of) `T`.
Nulls are skipped: there is nothing to fetch for an object that is not there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

__all__ = ["ClientPath", "Located", "collect", "type_matches"]

ClientPath: TypeAlias = tuple[str | int, ...]
Located: TypeAlias = tuple[dict[str, Any], ClientPath]


def type_matches(
    typename: object, condition: str, possible_types: Mapping[str, frozenset[str]]
) -> bool:
    """Whether an object of type `typename` satisfies the type condition `condition`."""
    if typename == condition:
        return True
    return isinstance(typename, str) and typename in possible_types.get(condition, frozenset())


def collect(
    roots: Sequence[Located],
    path: Sequence[str],
    possible_types: Mapping[str, frozenset[str]],
) -> list[Located]:
    """Every object at `path` under each of `roots`, in document order."""
    found: list[Located] = []
    for value, at in roots:
        _walk(value, at, path, 0, possible_types, found)
    return found


def _walk(
    value: object,
    at: ClientPath,
    path: Sequence[str],
    depth: int,
    possible_types: Mapping[str, frozenset[str]],
    found: list[Located],
) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, (*at, index), path, depth, possible_types, found)
        return
    if not isinstance(value, dict):
        return
    if depth == len(path):
        found.append((value, at))
        return
    element = path[depth]
    if element == "@":
        _walk(value, at, path, depth + 1, possible_types, found)
    elif element.startswith("... on "):
        if type_matches(value.get("__typename"), element[7:], possible_types):
            _walk(value, at, path, depth + 1, possible_types, found)
    elif element in value:
        _walk(value[element], (*at, element), path, depth + 1, possible_types, found)
