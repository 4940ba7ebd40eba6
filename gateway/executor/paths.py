"""Find the objects a Flatten node points at in the merged data, with their client paths.

A Flatten path is made of response keys, `"@"` for "each element of this list" and, as in
Apollo's plans, `"... on T"` to keep only objects whose `__typename` is (a subtype of) `T`.
Nulls are skipped: there is nothing to fetch for an object that is not there. Client paths are
linked pairs `(parent, key)`, built cheaply for every object and flattened into a list only
when an error needs one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

__all__ = ["Located", "PathIndex", "PathLink", "collect", "flatten_path", "type_matches"]

PathLink: TypeAlias = tuple[Any, str | int] | None
Located: TypeAlias = tuple[dict[str, Any], PathLink]


def flatten_path(link: PathLink) -> list[str | int]:
    """The client path a link stands for, root first."""
    keys: list[str | int] = []
    while link is not None:
        link, key = link
        keys.append(key)
    keys.reverse()
    return keys


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
    current = list(roots)
    for element in path:
        current = _step(current, element, possible_types)
    return current


class PathIndex:
    """The objects at each Flatten path from the root, reused until a merge changes them.

    Flatten paths share long prefixes (`users.@.reviews.@.product` then
    `users.@.reviews.@.product.reviews.@.author`), so each path starts from the longest prefix
    already walked. Merging into the objects at path P mutates them in place: the objects at P
    and above stay the same, and only the entries below P are dropped.
    """

    def __init__(self, root: Located, possible_types: Mapping[str, frozenset[str]]) -> None:
        self.root = [root]
        self._possible_types = possible_types
        self._known: dict[tuple[str, ...], list[Located]] = {(): self.root}
        self._deepest = 0  # no known path is longer (it may be shorter after forgetting)

    def find(self, path: tuple[str, ...]) -> list[Located]:
        """The objects at `path` (response keys, `"@"`, `"... on T"`) from the root."""
        current = self._known.get(path)
        if current is not None:
            return current
        start = len(path) - 1
        while path[:start] not in self._known:
            start -= 1
        current = self._known[path[:start]]
        for end in range(start + 1, len(path) + 1):
            current = _step(current, path[end - 1], self._possible_types)
            self._known[path[:end]] = current
        self._deepest = max(self._deepest, len(path))
        return current

    def merged_below(self, path: tuple[str, ...]) -> None:
        """Forget what lies below `path`: a fetch has just merged into the objects there."""
        depth = len(path)
        if depth >= self._deepest:
            return  # nothing known is below `path` (checked per merge: keep it cheap)
        if not path:
            self._known = {(): self.root}
            self._deepest = 0
            return
        stale = [key for key in self._known if len(key) > depth and key[:depth] == path]
        for key in stale:
            del self._known[key]


def _step(
    current: list[Located], element: str, possible_types: Mapping[str, frozenset[str]]
) -> list[Located]:
    if element == "@":
        return current  # lists are entered wherever they are met
    if element.startswith("... on "):
        condition = element[7:]
        return [
            located
            for located in current
            if type_matches(located[0].get("__typename"), condition, possible_types)
        ]
    found: list[Located] = []
    for value, at in current:
        child = value.get(element)
        # `_objects`, inlined for the two common shapes: an object, or a list of objects.
        # (`found.append(...)` is specialised by CPython 3.11+; a bound `append` is slower.)
        if child.__class__ is dict:
            found.append((child, (at, element)))
        elif child.__class__ is list:
            here = (at, element)
            for index, item in enumerate(child):
                if item.__class__ is dict:
                    found.append((item, (here, index)))
                elif item is not None:
                    _objects(item, (here, index), found)
    return found


def _objects(value: Any, at: PathLink, found: list[Located]) -> None:
    """Append `value` if it is an object, or every object inside it if it is a list."""
    if value.__class__ is dict:
        found.append((value, at))
    elif value.__class__ is list:
        append = found.append
        for index, item in enumerate(value):
            if item.__class__ is dict:  # the common case, without a call per element
                append((item, (at, index)))
            elif item is not None:
                _objects(item, (at, index), found)
