"""Find missing data in a GraphQL response: nulls and empty lists where data is expected.

A smoke run that only looked at `errors` would pass when a subgraph silently returns nothing, so
every value in `data` must be present unless the example names its path as allowed to be absent.
Paths use response keys joined with dots, without list indexes (`me.whatsapp.statuses.text`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["lookup", "missing_data"]


def missing_data(
    data: Any, allow_null: frozenset[str] = frozenset(), allow_empty: frozenset[str] = frozenset()
) -> list[str]:
    """Every path (with list indexes, for the message) that is null or an empty list."""
    return list(_walk(data, (), (), allow_null, allow_empty))


def _walk(
    value: Any,
    path: tuple[str, ...],
    shown: tuple[str, ...],
    allow_null: frozenset[str],
    allow_empty: frozenset[str],
) -> Iterator[str]:
    key = ".".join(path)
    if value is None:
        if key not in allow_null:
            yield ".".join(shown) + " is null"
        return
    if isinstance(value, list):
        if not value and key not in allow_empty:
            yield ".".join(shown) + " is an empty list"
        for index, item in enumerate(value):
            yield from _walk(item, path, (*shown, str(index)), allow_null, allow_empty)
        return
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _walk(item, (*path, name), (*shown, name), allow_null, allow_empty)


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path (list indexes allowed as numbers), or None."""
    current = data
    for part in path.split("."):
        if isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return None
    return current
