"""Facebook's per-request DataLoaders (profiles and Stories by id, by owner, by profile)."""

from __future__ import annotations

from subgraphs.common.story_loaders import StoryPlatformLoaders
from subgraphs.facebook.repository import FacebookRepository

__all__ = ["FacebookLoaders", "make_loaders"]

FacebookLoaders = StoryPlatformLoaders


def make_loaders(repository: FacebookRepository) -> FacebookLoaders:
    return StoryPlatformLoaders.build(repository)
