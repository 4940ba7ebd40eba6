"""Facebook's and Instagram's app, and `POST /internal/stories`, how WhatsApp delivers to them.

WhatsApp's delivery worker calls this until it gets an answer, so it must be safe to repeat: the
repository returns the Story an earlier attempt wrote for the same (originPlatform, originId).
An account id that is not a profile here is a 400, which the worker treats as final. A Story
written for the first time is told to its owner's `<platform>StoryPosted` streams.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.federation import Schema

from subgraphs.common.app import SubgraphSpec, create_app
from subgraphs.common.context import Services
from subgraphs.common.database import MongoDatabase
from subgraphs.common.ids import is_object_id
from subgraphs.common.internal import InternalBadRequest, internal_route, require_str
from subgraphs.common.link_proofs import verify_route
from subgraphs.common.platform_loaders import PlatformLoaders
from subgraphs.common.platform_types import Platform
from subgraphs.common.settings import Settings
from subgraphs.common.story_actions import MAX_CAPTION
from subgraphs.common.story_events import announce_story, story_channel
from subgraphs.common.story_platform import StoryPlatformRepository
from subgraphs.common.story_schema import StoryPlatform, StoryPlatformLoaders

__all__ = ["ORIGIN_PLATFORMS", "story_platform_app", "story_platform_routes"]

MAX_MEDIA_URL = 2048
ORIGIN_PLATFORMS = frozenset({"WHATSAPP"})


def _media_url(payload: Mapping[str, Any]) -> str | None:
    if payload.get("mediaUrl") is None:
        return None
    url = require_str(payload, "mediaUrl", max_length=MAX_MEDIA_URL)
    if not url.startswith("https://"):
        raise InternalBadRequest("'mediaUrl' must be an https URL")
    return url


def _create_story(
    platform: Platform,
) -> Callable[[Mapping[str, Any], Services[Any]], Awaitable[Mapping[str, Any]]]:
    async def create(payload: Mapping[str, Any], services: Services[Any]) -> Mapping[str, Any]:
        origin_platform = require_str(payload, "originPlatform", max_length=20)
        if origin_platform not in ORIGIN_PLATFORMS:
            raise InternalBadRequest(f"'originPlatform' must be one of {sorted(ORIGIN_PLATFORMS)}")
        origin_id = require_str(payload, "originId", max_length=64)
        account_id = require_str(payload, "accountId", max_length=64)
        caption = require_str(payload, "caption", max_length=MAX_CAPTION)
        if not is_object_id(account_id) or not is_object_id(origin_id):
            raise InternalBadRequest("'accountId' and 'originId' must be valid ids")
        repository: StoryPlatformRepository = services.repository
        written = await repository.create_crossposted_story(
            account_id=account_id,
            origin_platform=origin_platform,
            origin_id=origin_id,
            caption=caption,
            media_url=_media_url(payload),
        )
        if written is None:
            raise InternalBadRequest(f"no profile {account_id} here")
        story, new = written
        if new:
            await announce_story(services.events, platform, story)
        return {"id": story.id}

    return create


def story_platform_routes(platform: Platform) -> tuple[Route, ...]:
    """The internal routes Facebook and Instagram both serve."""
    return (internal_route("/internal/stories", _create_story(platform)), verify_route())


def story_platform_app(settings: Settings, spec: StoryPlatform, schema: Schema) -> Starlette:
    """The ASGI app of one story platform: its schema, its own database, the shared routes."""

    def make_repository(database: MongoDatabase) -> StoryPlatformRepository:
        return StoryPlatformRepository(
            database, handle_field=spec.handle_field, unique_handle=spec.unique_handle
        )

    def make_loaders(repository: StoryPlatformRepository) -> StoryPlatformLoaders:
        return PlatformLoaders.build(repository.profiles, repository.stories)

    return create_app(
        SubgraphSpec(
            settings=settings,
            schema=schema,
            make_repository=make_repository,
            make_loaders=make_loaders,
            routes=story_platform_routes(spec.platform),
            event_channels=(story_channel(spec.platform),),
        )
    )
