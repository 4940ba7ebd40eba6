"""Facebook's Starlette app: the common subgraph app plus the story-platform internal routes."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.common.app import SubgraphSpec, create_app
from subgraphs.common.settings import Settings
from subgraphs.common.story_routes import story_platform_routes
from subgraphs.facebook.loaders import make_loaders
from subgraphs.facebook.repository import make_repository
from subgraphs.facebook.schema import schema

__all__ = ["build_app"]


def build_app(settings: Settings) -> Starlette:
    """The ASGI app `python -m subgraphs.facebook` serves."""
    return create_app(
        SubgraphSpec(
            settings=settings,
            schema=schema,
            make_repository=make_repository,
            make_loaders=make_loaders,
            routes=story_platform_routes(),
        )
    )
