"""A small bounded LRU map for values derived from a document alone.

The guard's document checks depend only on the document text and the operation name (plus
settings fixed for the guard's life), so a repeated document can skip the lexer and the walk.
`None` is a value worth caching ("no refusal"), so a miss is told apart with a sentinel.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["MISSING", "Lru", "Missing"]

K = TypeVar("K")
V = TypeVar("V")


class Missing:
    """The type of `MISSING`: test with isinstance so mypy narrows it away."""

    __slots__ = ()


MISSING = Missing()


class Lru(Generic[K, V]):
    """Least-recently-used eviction once more than `size` entries are held."""

    __slots__ = ("_entries", "_size")

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | Missing:
        """The value for `key` (marked as just used), or `MISSING`."""
        entries = self._entries
        if key not in entries:
            return MISSING
        entries.move_to_end(key)
        return entries[key]

    def put(self, key: K, value: V) -> None:
        """Keep `value`, evicting the least recently used entry when full."""
        if self._size <= 0:
            return
        self._entries[key] = value
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
