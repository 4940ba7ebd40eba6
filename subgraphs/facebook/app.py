"""Facebook's Starlette app: the shared story-platform app, on Facebook's database and schema."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.common.settings import Settings
from subgraphs.common.story_routes import story_platform_app
from subgraphs.facebook.schema import FACEBOOK, schema

__all__ = ["build_app"]


def build_app(settings: Settings) -> Starlette:
    """The ASGI app `python -m subgraphs.facebook` serves."""
    return story_platform_app(settings, FACEBOOK, schema)
