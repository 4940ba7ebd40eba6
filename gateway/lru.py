"""A small bounded LRU map for what the gateway derives from a document alone.

The runtime's plans and the security guard's document checks depend only on the document text
and the operation name, so a repeated document skips the work; a bound keeps a stream of distinct
documents from growing memory. `functools.lru_cache` cannot hold values computed elsewhere, and
`None` is a value worth caching (the guard's "no refusal"), so a miss is told apart by a sentinel.
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
