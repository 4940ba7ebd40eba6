"""Instagram's database layer: the shared story-platform repository on Instagram's own database.

An Instagram profile's handle is its `username`, unique across Instagram.
"""

from __future__ import annotations

from subgraphs.common.database import MongoDatabase
from subgraphs.common.story_platform import StoryPlatformRepository

__all__ = ["InstagramRepository", "make_repository"]

InstagramRepository = StoryPlatformRepository


def make_repository(database: MongoDatabase) -> InstagramRepository:
    return StoryPlatformRepository(database, handle_field="username", unique_handle=True)
