"""Instagram's per-request DataLoaders (profiles and Stories by id, by owner, by profile)."""

from __future__ import annotations

from subgraphs.common.story_loaders import StoryPlatformLoaders
from subgraphs.instagram.repository import InstagramRepository

__all__ = ["InstagramLoaders", "make_loaders"]

InstagramLoaders = StoryPlatformLoaders


def make_loaders(repository: InstagramRepository) -> InstagramLoaders:
    return StoryPlatformLoaders.build(repository)
