"""Instagram's part of the graph: the shared story-platform schema, named for Instagram.

An Instagram profile's handle is its `username`, unique across Instagram.
"""

from __future__ import annotations

import re

from strawberry.federation import Schema

from subgraphs.common.errors import bad_input
from subgraphs.common.platform_types import Platform
from subgraphs.common.schema import print_schema_sdl
from subgraphs.common.story_schema import StoryPlatform, build_story_schema

__all__ = ["INSTAGRAM", "print_sdl", "schema"]

USERNAME = re.compile(r"[a-z0-9._]{1,30}")


def _check_username(raw: str) -> str:
    username = raw.strip()
    if USERNAME.fullmatch(username) is None:
        raise bad_input(
            "'username' must be 1 to 30 lowercase letters, digits, '.' or '_'.",
            argument="username",
        )
    return username


INSTAGRAM = StoryPlatform(Platform.INSTAGRAM, "username", _check_username, unique_handle=True)
schema: Schema = build_story_schema(INSTAGRAM)


def print_sdl() -> str:
    """The SDL this subgraph serves; `make schema` writes it to `schema/instagram.graphql`."""
    return print_schema_sdl(schema)
