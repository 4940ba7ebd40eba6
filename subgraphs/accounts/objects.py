"""The accounts subgraph's GraphQL object types; resolvers are thin and read through loaders.

`Person` is the entity the other subgraphs extend. Its public fields (`id`, `displayName`,
`avatar`, `stickers`) are what any signed-in caller may see, because shared avatars and stickers
show on every linked platform profile. Every other field is private: it resolves only for the
person themself, and for anyone else it is null with a FORBIDDEN error.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from bson import ObjectId

from subgraphs.accounts.context import AccountsInfo, require_owner
from subgraphs.accounts.linking import links_paused, route_paused, route_shares
from subgraphs.accounts.partner_apps import grants_with_apps
from subgraphs.accounts.partner_schema import AppGrant
from subgraphs.accounts.records import (
    AvatarRecord,
    ConsentPurpose,
    ConsentRecord,
    CreationRecord,
    LinkRecord,
    PausedReason,
    PersonRecord,
    Platform,
    SharingRoute,
    StickerRecord,
)
from subgraphs.common.errors import bad_input
from subgraphs.common.ids import parse_object_id
from subgraphs.common.schema import resolver
from subgraphs.common.scopes import PROFILE_READ, SESSION_ONLY, partner_readable

__all__ = [
    "Avatar",
    "Consent",
    "ImagineMeCreation",
    "LinkedAccount",
    "LinkingSettings",
    "Person",
    "RegionalAvailability",
    "SharingPreference",
    "Sticker",
]

MAX_PAGE = 100


def check_first(first: int) -> int:
    if not 0 <= first <= MAX_PAGE:
        raise bad_input(f"'first' must be between 0 and {MAX_PAGE}.", argument="first")
    return first


@strawberry.type(description="A shared avatar, shown on every linked platform profile.")
class Avatar:
    image_url: str
    updated_at: datetime

    @classmethod
    def of(cls, record: AvatarRecord) -> Avatar:
        return cls(image_url=record.image_url, updated_at=record.updated_at)


@strawberry.type(description="A Meta AI sticker the person made; usable on every linked app.")
class Sticker:
    id: strawberry.ID
    label: str
    image_url: str
    created_at: datetime

    @classmethod
    def of(cls, record: StickerRecord) -> Sticker:
        return cls(
            id=strawberry.ID(record.id),
            label=record.label,
            image_url=record.image_url,
            created_at=record.created_at,
        )


@strawberry.type(description="An Imagine Me creation: an AI image of the person from a prompt.")
class ImagineMeCreation:
    id: strawberry.ID
    prompt: str
    image_url: str
    created_at: datetime
    source_photo_urls: list[str] = strawberry.field(
        description="The photos this creation was made from (private addresses: only the "
        "person's own answers contain them)."
    )

    @classmethod
    def of(cls, record: CreationRecord) -> ImagineMeCreation:
        return cls(
            id=strawberry.ID(record.id),
            prompt=record.prompt,
            image_url=record.image_url,
            created_at=record.created_at,
            source_photo_urls=list(record.source_photo_urls),
        )


@strawberry.type(description="A platform account linked to this Accounts Center.")
class LinkedAccount:
    platform: Platform
    account_id: strawberry.ID
    linked_at: datetime
    active: bool = strawberry.field(
        description="Whether the link works right now; a paused link is kept, not removed."
    )
    paused_reason: PausedReason | None = strawberry.field(
        description="Why the link is paused (null while it is active)."
    )

    @classmethod
    def of(cls, record: LinkRecord, paused: PausedReason | None) -> LinkedAccount:
        return cls(
            platform=record.platform,
            account_id=strawberry.ID(record.account_id),
            linked_at=record.linked_at,
            active=paused is None,
            paused_reason=paused,
        )


@strawberry.type(description="Whether linking is on, and the accounts linked so far.")
class LinkingSettings:
    enabled: bool
    changed_at: datetime | None
    linked_accounts: list[LinkedAccount]

    @classmethod
    def of(
        cls, person: PersonRecord, links: list[LinkRecord], regions: frozenset[str]
    ) -> LinkingSettings:
        paused = links_paused(person, regions)
        return cls(
            enabled=person.linking_enabled,
            changed_at=person.linking_changed_at,
            linked_accounts=[LinkedAccount.of(link, paused) for link in links],
        )


@strawberry.type(description="One cross-posting route: what the person chose and what it does.")
class SharingPreference:
    route: SharingRoute
    enabled: bool = strawberry.field(
        description="Whether Statuses are shared this way right now: chosen and not paused."
    )
    chosen: bool = strawberry.field(
        description="What the person chose (off by default); kept while the route is paused."
    )
    paused_reason: PausedReason | None = strawberry.field(
        description="Why the route cannot share right now, whatever the choice; null when it can."
    )

    @classmethod
    def all_of(
        cls, person: PersonRecord, links: list[LinkRecord], regions: frozenset[str]
    ) -> list[SharingPreference]:
        """Every route of `person`, as `crosspost_targets` would act on it now."""
        linked = [link.platform for link in links]
        return [
            cls(
                route=route,
                enabled=route_shares(person, route, linked, regions),
                chosen=person.sharing.get(route, False),
                paused_reason=route_paused(person, route, linked, regions),
            )
            for route in SharingRoute
        ]


@strawberry.type(description="A data-use choice and when it was made.")
class Consent:
    purpose: ConsentPurpose
    granted: bool
    recorded_at: datetime

    @classmethod
    def of(cls, record: ConsentRecord) -> Consent:
        return cls(purpose=record.purpose, granted=record.granted, recorded_at=record.recorded_at)


@strawberry.type(description="Where the person is, and whether linking is available there yet.")
class RegionalAvailability:
    region: str
    linking_available: bool


@strawberry.federation.type(keys=["id"], description="A person: the owner of an Accounts Center.")
class Person:
    id: strawberry.ID
    display_name: str
    record: strawberry.Private[PersonRecord]

    @classmethod
    def of(cls, record: PersonRecord) -> Person:
        return cls(id=strawberry.ID(record.id), display_name=record.display_name, record=record)

    @classmethod
    async def resolve_reference(cls, info: AccountsInfo, id: strawberry.ID) -> Person | None:
        record = await info.context.loaders.person.load(parse_object_id(str(id)))
        return None if record is None else cls.of(record)

    @resolver(description="The shared avatar (public).")
    def avatar(self) -> Avatar | None:
        return None if self.record.avatar is None else Avatar.of(self.record.avatar)

    @resolver(description="Meta AI stickers, newest first (public).")
    async def stickers(self, info: AccountsInfo, first: int = 10) -> list[Sticker]:
        records = await info.context.loaders.stickers.load(self.id)
        return [Sticker.of(record) for record in records[: check_first(first)]]

    @resolver(
        authenticated=True,
        requires_scopes=partner_readable(PROFILE_READ),
        description="Private (a partner app needs profile:read).",
    )
    async def email(self, info: AccountsInfo) -> str | None:
        await require_owner(info, self.id, PROFILE_READ)
        return self.record.email

    @resolver(authenticated=True, requires_scopes=SESSION_ONLY, description="Private.")
    async def linking(self, info: AccountsInfo) -> LinkingSettings | None:
        await require_owner(info, self.id)
        links = await info.context.loaders.links.load(self.id)
        return LinkingSettings.of(self.record, links, info.context.settings.regions_rolled_out)

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Private: each route, whether it shares now, and why not when it does not.",
    )
    async def sharing(self, info: AccountsInfo) -> list[SharingPreference] | None:
        await require_owner(info, self.id)
        links = await info.context.loaders.links.load(self.id)
        return SharingPreference.all_of(
            self.record, links, info.context.settings.regions_rolled_out
        )

    @resolver(
        authenticated=True, requires_scopes=SESSION_ONLY, description="Private: current choices."
    )
    async def consents(self, info: AccountsInfo) -> list[Consent] | None:
        await require_owner(info, self.id)
        return [Consent.of(record) for record in self.record.consents.values()]

    @resolver(
        authenticated=True, requires_scopes=SESSION_ONLY, description="Private: newest first."
    )
    async def consent_history(self, info: AccountsInfo, first: int = 20) -> list[Consent] | None:
        await require_owner(info, self.id)
        repository = info.context.repository.repository
        records = await repository.consent_history(ObjectId(self.id), check_first(first))
        return [Consent.of(record) for record in records]

    @resolver(authenticated=True, requires_scopes=SESSION_ONLY, description="Private.")
    async def imagine_me(
        self, info: AccountsInfo, first: int = 20
    ) -> list[ImagineMeCreation] | None:
        await require_owner(info, self.id)
        records = await info.context.loaders.creations.load(self.id)
        return [ImagineMeCreation.of(record) for record in records[: check_first(first)]]

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Private: the partner apps this person allowed to read their data, newest "
        "first; `revokeAppGrant` withdraws one.",
    )
    async def app_grants(self, info: AccountsInfo) -> list[AppGrant] | None:
        await require_owner(info, self.id)
        found = await grants_with_apps(info.context.repository, self.id)
        return [AppGrant.of(grant, app) for grant, app in found]

    @resolver(authenticated=True, requires_scopes=SESSION_ONLY, description="Private.")
    async def availability(self, info: AccountsInfo) -> RegionalAvailability | None:
        await require_owner(info, self.id)
        region = self.record.region
        return RegionalAvailability(
            region=region, linking_available=region in info.context.settings.regions_rolled_out
        )
