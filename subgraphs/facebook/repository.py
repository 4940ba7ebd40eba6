"""Facebook's database layer: the shared story-platform repository on Facebook's own database.

A Facebook profile's handle is the person's display `name`, which need not be unique.
"""

from __future__ import annotations

from subgraphs.common.database import MongoDatabase
from subgraphs.common.story_platform import StoryPlatformRepository

__all__ = ["FacebookRepository", "make_repository"]

FacebookRepository = StoryPlatformRepository


def make_repository(database: MongoDatabase) -> FacebookRepository:
    return StoryPlatformRepository(database, handle_field="name", unique_handle=False)
