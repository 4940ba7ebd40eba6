"""Facebook's part of the graph: the shared story-platform schema, named for Facebook.

A Facebook profile's handle is the person's display `name`, which need not be unique.
"""

from __future__ import annotations

from strawberry.federation import Schema

from subgraphs.common.platform_types import Platform
from subgraphs.common.schema import print_schema_sdl
from subgraphs.common.story_schema import StoryPlatform, build_story_schema
from subgraphs.common.text import check_text

__all__ = ["FACEBOOK", "print_sdl", "schema"]

MAX_NAME = 100


def _check_name(raw: str) -> str:
    return check_text(raw, "name", MAX_NAME)


FACEBOOK = StoryPlatform(Platform.FACEBOOK, "name", _check_name, unique_handle=False)
schema: Schema = build_story_schema(FACEBOOK)


def print_sdl() -> str:
    """The SDL this subgraph serves; `make schema` writes it to `schema/facebook.graphql`."""
    return print_schema_sdl(schema)
