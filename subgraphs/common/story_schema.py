"""The GraphQL schema Facebook and Instagram both serve, built from one `StoryPlatform` spec.

The two platforms have the same graph (a person's profile, Stories on it, some cross-posted from a
WhatsApp Status, link proofs); only names differ: type names (`FacebookStory`,
`InstagramStory`), the profile's handle (`name`, `username`) and the root fields
(`facebookStory`, `registerInstagramProfile`, ...). So the types are written once here and
`build_story_schema` gives each subgraph its own, renamed through Strawberry's `name=` options.

This module deliberately does not use `from __future__ import annotations`: the types are
classes local to `build_story_schema`, and Strawberry resolves string annotations in the module's
globals, where they do not exist. The cycles (a person's profile and its
person, a profile's Stories and a Story's profile) are closed after the classes exist, through
the field's `type` setter.
"""

from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.federation import Schema

from subgraphs.common.context import RequestContext, caller_events
from subgraphs.common.ownership import owned_or_none
from subgraphs.common.platform_loaders import PlatformLoaders
from subgraphs.common.platform_nodes import OwnedFields, PostNode, ProfileNode, profile_fields
from subgraphs.common.platform_types import LinkProof, Platform, StoryOrigin
from subgraphs.common.profile_photo import set_own_photo
from subgraphs.common.schema import federation_schema, resolver, subscription
from subgraphs.common.scopes import SESSION_ONLY, STORIES_READ, partner_readable
from subgraphs.common.story_actions import create_story, issue_link_proof, register_profile
from subgraphs.common.story_events import announce_story, story_channel
from subgraphs.common.story_platform import ProfileRecord, StoryPlatformRepository, StoryRecord

__all__ = ["StoryPlatform", "StoryPlatformLoaders", "build_story_schema"]

StoryPlatformLoaders = PlatformLoaders[ProfileRecord, StoryRecord]
N = TypeVar("N")
Info = strawberry.Info[RequestContext[StoryPlatformRepository, StoryPlatformLoaders], None]


@dataclass(frozen=True, slots=True)
class StoryPlatform:
    """What makes Facebook's graph and database differ from Instagram's."""

    platform: Platform
    handle_field: str
    """The profile's handle, in the graph and in the database: "name" or "username"."""
    check_handle: Callable[[str], str]
    """Trims and validates a handle; raises BAD_USER_INPUT."""
    unique_handle: bool

    @property
    def title(self) -> str:
        """The platform's name as types and messages spell it: "Facebook"."""
        return self.platform.value.capitalize()

    @property
    def article(self) -> str:
        """ "A" or "An", for descriptions ("An Instagram Story")."""
        return "An" if self.title[0] in "AEIOU" else "A"

    @property
    def field(self) -> str:
        """The platform as a field name: `Person.facebook`, `facebookStory`."""
        return self.title.lower()


def _late_type(cls: type, python_name: str, annotation: object) -> None:
    """Sets the GraphQL type of a field whose type did not exist when `cls` was defined."""
    for field in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if field.python_name == python_name:
            field.type = annotation
            return
    raise LookupError(python_name)


PROFILE = OwnedFields(ProfileRecord)
STORY = OwnedFields(StoryRecord)


def _origin(story: StoryRecord) -> StoryOrigin | None:
    if story.origin_platform is None or story.origin_id is None:
        return None
    return StoryOrigin(platform=Platform(story.origin_platform), id=strawberry.ID(story.origin_id))


def build_story_schema(spec: StoryPlatform) -> Schema:
    """The federation schema of one story platform; `schema/<platform>.graphql` prints it."""
    title, article, field = spec.title, spec.article, spec.field

    def private_entity(kind: str, noun: str) -> Callable[[type[N]], type[N]]:
        """`<Title><kind>`, an entity keyed by id: "A Facebook <noun>; private to its owner."."""
        return strawberry.federation.type(
            name=f"{title}{kind}",
            keys=["id"],
            description=f"{article} {title} {noun}; private to its owner.",
        )

    @strawberry.federation.type(keys=["id"])
    class Person:
        id: strawberry.ID

        @resolver(
            name=field,
            requires_scopes=partner_readable(STORIES_READ),
            description=f"The caller's own {title} profile (FORBIDDEN for others).",
        )
        async def platform_profile(self, info: Info) -> Any:  # typed below: Profile | None
            return await Profile.of_person(info, self.id, STORIES_READ)

        @classmethod
        def resolve_reference(cls, id: strawberry.ID) -> "Person":
            return cls(id=id)

    @private_entity("Profile", "profile")
    class Profile(ProfileNode[ProfileRecord, StoryRecord]):
        WHAT = "this profile"
        handle: str = PROFILE.field(lambda profile: profile.handle, name=spec.handle_field)
        photo_url, photo_updated_at, person = profile_fields(Person, WHAT)

        @resolver(
            requires_scopes=partner_readable(STORIES_READ),
            description="Stories on this profile, newest first.",
        )
        async def stories(self, info: Info) -> Any:  # typed below: list[Story]
            return await self._posts(info, Story.from_record, STORIES_READ)

    @private_entity("Story", "Story")
    class Story(PostNode[StoryRecord, ProfileRecord]):
        WHAT = "this story"
        READ_SCOPE = STORIES_READ
        caption: str = STORY.field(lambda story: story.caption)
        created_at: datetime = STORY.field(lambda story: story.created_at)
        media_url: str | None = STORY.field(lambda story: story.media_url)
        origin: StoryOrigin | None = STORY.field(
            _origin, description="Set when the Story was cross-posted from another platform."
        )

        @strawberry.field
        async def profile(self, info: Info) -> Profile | None:
            return await self._profile(info, Profile.from_record)

    _late_type(Person, "platform_profile", Profile | None)
    _late_type(Profile, "stories", list[Story])

    @strawberry.type
    class Mutation:
        @resolver(
            requires_scopes=SESSION_ONLY,
            name=f"register{title}Profile",
            description=f"Create the caller's {title} profile (one per person).",
        )
        async def register_profile(
            self, info: Info, handle: Annotated[str, strawberry.argument(name=spec.handle_field)]
        ) -> Profile:
            repository = info.context.repository
            record = await register_profile(
                info.context, repository, handle, spec.check_handle, title
            )
            return Profile.from_record(record)

        @resolver(
            requires_scopes=SESSION_ONLY,
            name=f"create{title}Story",
            description="Post a Story on the caller's own profile.",
        )
        async def create_story(self, info: Info, caption: str) -> Story:
            record = await create_story(info.context, info.context.repository, caption)
            await announce_story(info.context.services.events, spec.platform, record)
            return Story.from_record(record)

        @resolver(
            requires_scopes=SESSION_ONLY,
            name=f"create{title}LinkProof",
            description="A one-time code proving the caller owns this profile.",
        )
        async def create_link_proof(self, info: Info, account_id: strawberry.ID) -> LinkProof:
            issued = await issue_link_proof(info.context, info.context.repository, str(account_id))
            return LinkProof.from_issued(spec.platform, issued)

        @resolver(
            requires_scopes=SESSION_ONLY,
            name=f"set{title}ProfilePhoto",
            description=f"Set (null: remove) the {title} profile's own photo, an https URL.",
        )
        async def set_profile_photo(self, info: Info, image_url: str | None) -> Profile:
            record = await set_own_photo(
                info.context, info.context.repository.set_photo, image_url, f"a {title} profile"
            )
            return Profile.from_record(record)

    @strawberry.type
    class Query:
        @resolver(
            requires_scopes=partner_readable(STORIES_READ),
            name=f"{field}Story",
            description=(
                f"One of the caller's {title} Stories by id; null when there is none with that id"
                " or it is someone else's (the two are not told apart)."
            ),
        )
        async def story(self, info: Info, id: strawberry.ID) -> Story | None:
            return await Story.resolve_reference(info, id)

    channel = story_channel(spec.platform)

    @strawberry.type
    class Subscription:
        @subscription(
            requires_scopes=SESSION_ONLY,
            name=f"{field}StoryPosted",
            description=(
                f"Each new {title} Story the caller may see, from now on (on any replica):"
                " posted directly or cross-posted from a WhatsApp Status. Stories are private,"
                " so these are the caller's own; only with a token."
            ),
        )
        async def story_posted(self, info: Info) -> AsyncGenerator[Story, None]:
            async for story_id in caller_events(info.context, channel):
                # Read afresh and checked by the query rule.
                found = await info.context.repository.stories.by_ids((story_id,))
                record = await owned_or_none(info.context, found.get(story_id))
                if record is not None:
                    yield Story.from_record(record)

    return federation_schema(
        query=Query, mutation=Mutation, subscription=Subscription, types=(Person,)
    )
