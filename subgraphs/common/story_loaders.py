"""Per-request DataLoaders for Facebook and Instagram: one loader per key, one query per batch.

Strawberry resolves each entity representation on its own, so `_entities` with 100 Stories would
cost 100 queries without these; with them it costs one `find` with `$in`. They are built fresh
in `get_context` for every request, so nothing cached outlives the request or leaks to another
caller.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from aiodataloader import DataLoader

from subgraphs.common.story_platform import ProfileRecord, StoryPlatformRepository, StoryRecord

__all__ = ["StoryPlatformLoaders", "keyed_loader"]

K = TypeVar("K")
V = TypeVar("V")


class _KeyedLoader(DataLoader[K, V]):
    """Loads many keys with one call that returns a `{key: value}` mapping."""

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
    """A DataLoader over a batch `fetch`; keys it does not return load as `missing`."""
    return _KeyedLoader(fetch, missing)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryPlatformLoaders:
    profile_by_id: DataLoader[str, ProfileRecord | None]
    profile_by_owner: DataLoader[str, ProfileRecord | None]
    story_by_id: DataLoader[str, StoryRecord | None]
    stories_by_profile: DataLoader[str, list[StoryRecord]]

    @classmethod
    def build(cls, repository: StoryPlatformRepository) -> StoryPlatformLoaders:
        no_profile: ProfileRecord | None = None
        no_story: StoryRecord | None = None
        no_stories: list[StoryRecord] = []
        return cls(
            profile_by_id=keyed_loader(repository.profiles_by_ids, no_profile),
            profile_by_owner=keyed_loader(repository.profiles_by_owners, no_profile),
            story_by_id=keyed_loader(repository.stories_by_ids, no_story),
            stories_by_profile=keyed_loader(repository.stories_by_profiles, no_stories),
        )
