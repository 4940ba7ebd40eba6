"""What each platform profile shows: the linked person's avatar and stickers, or its own photo.

Accounts Center keeps a person's shared avatar and stickers; they show on a platform profile only
while that profile's account is linked to the person and the link is active (linking on, the
region rolled out: `linking.links_paused`). Otherwise the profile shows what the platform has of
its own: its own photo and no stickers. Only accounts knows the links, and only the platform
knows its own photo, so accounts contributes `avatar` and `stickers` to the three profile
entities (`WhatsAppAccount`, `FacebookProfile`, `InstagramProfile`) and `@requires` the
platform's `photoUrl`/`photoUpdatedAt`; the gateway fetches those from the platform first.

Privacy: the profile entities are private to their owner, and the platform answers for them
(null for anyone else). Here the linked person's assets are used only when the caller is that
person, so a forged representation cannot tie a profile id to a person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self

import strawberry

from subgraphs.accounts.context import AccountsInfo
from subgraphs.accounts.linking import links_paused
from subgraphs.accounts.objects import Avatar, Sticker, check_first
from subgraphs.accounts.records import AvatarRecord, PersonRecord, Platform
from subgraphs.common.auth import require_viewer
from subgraphs.common.schema import resolver

__all__ = ["FacebookProfile", "InstagramProfile", "WhatsAppAccount"]


@strawberry.type
class PlatformProfile:
    """The fields the three profile entities share (this base is no GraphQL type of its own)."""

    PLATFORM: ClassVar[Platform]

    id: strawberry.ID
    photo_url: str | None = strawberry.federation.field(external=True, default=None)
    photo_updated_at: datetime | None = strawberry.federation.field(external=True, default=None)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **fields: Any) -> Self:
        """From a representation: `id`, and the `@requires` fields when they were asked for."""
        updated = fields.get("photoUpdatedAt")
        return cls(
            id=id,
            photo_url=fields.get("photoUrl"),
            photo_updated_at=None if updated is None else datetime.fromisoformat(updated),
        )

    async def _linked_person(self, info: AccountsInfo) -> PersonRecord | None:
        """The caller, if this account is linked to them and the link is active."""
        viewer = await require_viewer(info.context)
        loaders = info.context.loaders
        link = await loaders.link_by_account.load((self.PLATFORM, str(self.id)))
        if link is None or link.person_id != viewer.person_id:
            return None
        person = await loaders.person.load(link.person_id)
        regions = info.context.settings.regions_rolled_out
        return None if person is None or links_paused(person, regions) else person

    @resolver(
        requires=["photoUrl photoUpdatedAt"],
        description=(
            "The avatar this profile shows: while it is linked and the link is active, the "
            "person's shared Accounts Center avatar; otherwise (or when the person has none) the "
            "profile's own photo."
        ),
    )
    async def avatar(self, info: AccountsInfo) -> Avatar | None:
        person = await self._linked_person(info)
        if person is not None and person.avatar is not None:
            return Avatar.of(person.avatar)
        if self.photo_url is None or self.photo_updated_at is None:
            return None
        return Avatar.of(AvatarRecord(image_url=self.photo_url, updated_at=self.photo_updated_at))

    @resolver(
        description=(
            "The Meta AI stickers usable from this profile, newest first: the linked person's "
            "while the link is active, none otherwise."
        )
    )
    async def stickers(self, info: AccountsInfo, first: int = 10) -> list[Sticker]:
        wanted = check_first(first)
        person = await self._linked_person(info)
        if person is None:
            return []
        records = await info.context.loaders.stickers.load(person.id)
        return [Sticker.of(record) for record in records[:wanted]]


@strawberry.federation.type(keys=["id"])
class WhatsAppAccount(PlatformProfile):
    PLATFORM = Platform.WHATSAPP


@strawberry.federation.type(keys=["id"])
class FacebookProfile(PlatformProfile):
    PLATFORM = Platform.FACEBOOK


@strawberry.federation.type(keys=["id"])
class InstagramProfile(PlatformProfile):
    PLATFORM = Platform.INSTAGRAM
