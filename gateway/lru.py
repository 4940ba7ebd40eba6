"""A least-recently-used map bounded by the bytes its values hold, not by how many there are.

A count bound is no bound on memory: 1,024 documents of 2 MB each are 2 GB. Each value is put
with its weight (an estimate of the bytes it keeps alive); the least recently used values leave
until the total is within the budget, and a value heavier than a quarter of the budget is never
kept, so one entry cannot flush the rest. A miss is told apart from a cached `None` by a
sentinel.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["MISSING", "Lru", "Missing"]

K = TypeVar("K")
V = TypeVar("V")

LARGEST_SHARE = 4
"""A value may weigh at most 1/LARGEST_SHARE of the budget."""


class Missing:
    """The type of `MISSING`: test with isinstance so mypy narrows it away."""

    __slots__ = ()


MISSING = Missing()


class Lru(Generic[K, V]):
    """Least-recently-used eviction once the weights put exceed `max_weight`."""

    __slots__ = ("_entries", "_max_weight", "_weight")

    def __init__(self, max_weight: int) -> None:
        self._max_weight = max_weight
        self._weight = 0
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def get(self, key: K) -> V | Missing:
        """The value for `key` (marked as just used), or `MISSING`."""
        found = self._entries.get(key)
        if found is None:
            return MISSING
        self._entries.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V, weight: int) -> bool:
        """Keep `value`, evicting the least recently used; False when it is too heavy to keep."""
        if weight * LARGEST_SHARE > self._max_weight:
            return False
        old = self._entries.pop(key, None)
        if old is not None:
            self._weight -= old[1]
        self._entries[key] = (value, weight)
        self._weight += weight
        self._evict()
        return True

    def grow(self, key: K, extra: int) -> None:
        """Count `extra` more bytes for `key` (a value that grew after it was put)."""
        found = self._entries.get(key)
        if found is None:
            return
        self._entries[key] = (found[0], found[1] + extra)
        self._weight += extra
        self._evict()

    def _evict(self) -> None:
        entries = self._entries
        while self._weight > self._max_weight and entries:
            _, (_, weight) = entries.popitem(last=False)
            self._weight -= weight

    @property
    def weight(self) -> int:
        """The total weight of the values held."""
        return self._weight

    def __len__(self) -> int:
        return len(self._entries)
