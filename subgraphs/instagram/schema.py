"""Instagram's part of the graph: `Person.instagram`, profiles, Stories and their origin.

Resolvers stay thin: entities load through the request's DataLoaders, private fields check the
caller with `require_owner`, and mutations call the shared story-platform actions.
"""

from __future__ import annotations

import re
from datetime import datetime

import strawberry

from subgraphs.common.context import RequestContext
from subgraphs.common.errors import bad_input
from subgraphs.common.ids import parse_object_id
from subgraphs.common.ownership import require_owner, require_self
from subgraphs.common.platform_types import LinkProof, Platform, StoryOrigin
from subgraphs.common.schema import federation_schema, print_schema_sdl, resolver
from subgraphs.common.story_actions import (
    create_story,
    issue_link_proof,
    register_profile,
)
from subgraphs.common.story_platform import ProfileRecord, StoryRecord
from subgraphs.instagram.loaders import InstagramLoaders
from subgraphs.instagram.repository import InstagramRepository

__all__ = ["print_sdl", "schema"]

Info = strawberry.Info[RequestContext[InstagramRepository, InstagramLoaders], None]
USERNAME = re.compile(r"[a-z0-9._]{1,30}")


@strawberry.federation.type(keys=["id"])
class Person:
    id: strawberry.ID

    @resolver(description="The caller's own Instagram profile (FORBIDDEN for others).")
    async def instagram(self, info: Info) -> InstagramProfile | None:
        await require_self(info.context, self.id)
        record = await info.context.loaders.profile_by_owner.load(str(self.id))
        return None if record is None else InstagramProfile.from_record(record)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Person:
        return cls(id=id)


@strawberry.federation.type(keys=["id"], description="An Instagram profile; private to its owner.")
class InstagramProfile:
    id: strawberry.ID
    record: strawberry.Private[ProfileRecord]

    @classmethod
    def from_record(cls, record: ProfileRecord) -> InstagramProfile:
        return cls(id=strawberry.ID(record.id), record=record)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> InstagramProfile | None:
        record = await info.context.loaders.profile_by_id.load(parse_object_id(id))
        return None if record is None else cls.from_record(record)

    @strawberry.field
    async def username(self, info: Info) -> str:
        await require_owner(info.context, self.record.owner_id, "this profile")
        return self.record.handle

    @resolver(description="The Accounts Center person who owns this profile.")
    async def person(self, info: Info) -> Person:
        await require_owner(info.context, self.record.owner_id, "this profile")
        return Person(id=strawberry.ID(self.record.owner_id))

    @resolver(description="Stories on this profile, newest first.")
    async def stories(self, info: Info) -> list[InstagramStory]:
        await require_owner(info.context, self.record.owner_id, "this profile")
        records = await info.context.loaders.stories_by_profile.load(self.record.id)
        return [InstagramStory.from_record(record) for record in records]


@strawberry.federation.type(keys=["id"], description="An Instagram Story; private to its owner.")
class InstagramStory:
    id: strawberry.ID
    record: strawberry.Private[StoryRecord]

    @classmethod
    def from_record(cls, record: StoryRecord) -> InstagramStory:
        return cls(id=strawberry.ID(record.id), record=record)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> InstagramStory | None:
        record = await info.context.loaders.story_by_id.load(parse_object_id(id))
        return None if record is None else cls.from_record(record)

    async def _own(self, info: Info) -> StoryRecord:
        await require_owner(info.context, self.record.owner_id, "this story")
        return self.record

    @strawberry.field
    async def caption(self, info: Info) -> str:
        return (await self._own(info)).caption

    @strawberry.field
    async def created_at(self, info: Info) -> datetime:
        return (await self._own(info)).created_at

    @strawberry.field
    async def media_url(self, info: Info) -> str | None:
        return (await self._own(info)).media_url

    @resolver(description="Set when the Story was cross-posted from another platform.")
    async def origin(self, info: Info) -> StoryOrigin | None:
        record = await self._own(info)
        if record.origin_platform is None or record.origin_id is None:
            return None
        return StoryOrigin(
            platform=Platform(record.origin_platform), id=strawberry.ID(record.origin_id)
        )

    @strawberry.field
    async def profile(self, info: Info) -> InstagramProfile | None:
        await self._own(info)
        record = await info.context.loaders.profile_by_id.load(self.record.profile_id)
        return None if record is None else InstagramProfile.from_record(record)


def _check_username(raw: str) -> str:
    username = raw.strip()
    if USERNAME.fullmatch(username) is None:
        raise bad_input(
            "'username' must be 1 to 30 lowercase letters, digits, '.' or '_'.",
            argument="username",
        )
    return username


@strawberry.type
class Mutation:
    @resolver(description="Create the caller's Instagram profile (one per person).")
    async def register_instagram_profile(self, info: Info, username: str) -> InstagramProfile:
        record = await register_profile(
            info.context, info.context.repository, username, _check_username, "Instagram"
        )
        return InstagramProfile.from_record(record)

    @resolver(description="Post a Story on the caller's own profile.")
    async def create_instagram_story(self, info: Info, caption: str) -> InstagramStory:
        record = await create_story(info.context, info.context.repository, caption)
        return InstagramStory.from_record(record)

    @resolver(description="A one-time code proving the caller owns this profile.")
    async def create_instagram_link_proof(self, info: Info, account_id: strawberry.ID) -> LinkProof:
        issued = await issue_link_proof(info.context, info.context.repository, str(account_id))
        return LinkProof.from_issued(Platform.FACEBOOK, issued)


@strawberry.type
class Query:
    @resolver(description="An Instagram Story by id (only the owner's).")
    async def instagram_story(self, info: Info, id: strawberry.ID) -> InstagramStory | None:
        return await InstagramStory.resolve_reference(info, id)


schema = federation_schema(query=Query, mutation=Mutation, types=(Person,))


def print_sdl() -> str:
    """The SDL this subgraph serves; `make schema` writes it to `schema/instagram.graphql`."""
    return print_schema_sdl(schema)
