"""Per-request DataLoaders for Facebook and Instagram: one loader per key, one query per batch."""

from __future__ import annotations

from dataclasses import dataclass

from aiodataloader import DataLoader

from subgraphs.common.keyed_loader import keyed_loader
from subgraphs.common.story_platform import ProfileRecord, StoryPlatformRepository, StoryRecord

__all__ = ["StoryPlatformLoaders"]


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
