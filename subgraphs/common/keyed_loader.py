"""A DataLoader over one batch query that returns `{key: value}`: the shape every loader here has.

Strawberry resolves each entity representation on its own, so without a loader `_entities` with
100 representations would cost 100 queries; through one it costs one query with `$in`. Loaders
are built per request, so nothing they cache outlives the request or reaches another caller.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TypeVar

from aiodataloader import DataLoader

__all__ = ["keyed_loader"]

K = TypeVar("K")
V = TypeVar("V")


class _KeyedLoader(DataLoader[K, V]):
    """Loads many keys with one call; keys the call does not return load as `missing`."""

    def __init__(
        self, fetch: Callable[[Iterable[K]], Awaitable[Mapping[K, V]]], missing: V
    ) -> None:
        super().__init__()
        self._fetch = fetch
        self._missing = missing

    async def batch_load_fn(self, keys: list[K]) -> list[V]:
        found = await self._fetch(keys)
        return [found.get(key, self._missing) for key in keys]


def keyed_loader(
    fetch: Callable[[Iterable[K]], Awaitable[Mapping[K, V]]], missing: V
) -> DataLoader[K, V]:
    """A per-request DataLoader over the batch query `fetch`."""
    return _KeyedLoader(fetch, missing)
