"""What the accounts repository hands upward: frozen records, never raw MongoDB documents.

The enums are also the GraphQL enums (`strawberry.enum` returns the same class).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum

import strawberry

__all__ = [
    "AvatarRecord",
    "ConsentPurpose",
    "ConsentRecord",
    "CreationRecord",
    "LinkRecord",
    "PausedReason",
    "PersonRecord",
    "Platform",
    "SessionRecord",
    "SharingRoute",
    "StickerRecord",
    "utc_now",
]


def utc_now() -> datetime:
    """Now, to the millisecond: what MongoDB stores, so a value reads back as it was written."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


@strawberry.enum(description="The platforms a person can link to their Accounts Center.")
class Platform(Enum):
    WHATSAPP = "WHATSAPP"
    FACEBOOK = "FACEBOOK"
    INSTAGRAM = "INSTAGRAM"


@strawberry.enum(description="A cross-posting route: where a piece of content may be shared.")
class SharingRoute(Enum):
    WHATSAPP_STATUS_TO_FACEBOOK_STORY = "WHATSAPP_STATUS_TO_FACEBOOK_STORY"
    WHATSAPP_STATUS_TO_INSTAGRAM_STORY = "WHATSAPP_STATUS_TO_INSTAGRAM_STORY"

    @property
    def source(self) -> Platform:
        return Platform.WHATSAPP

    @property
    def target(self) -> Platform:
        if self is SharingRoute.WHATSAPP_STATUS_TO_FACEBOOK_STORY:
            return Platform.FACEBOOK
        return Platform.INSTAGRAM


@strawberry.enum(
    description=(
        "Why a link or a sharing route does nothing right now. Nothing is lost while paused: "
        "links and choices are kept and work again once the reason is gone."
    )
)
class PausedReason(Enum):
    LINKING_OFF = strawberry.enum_value(
        "LINKING_OFF", description="The person turned linking off in Accounts Center."
    )
    NOT_AVAILABLE_IN_REGION = strawberry.enum_value(
        "NOT_AVAILABLE_IN_REGION",
        description="Linking is not (or no longer) rolled out in the person's region.",
    )
    NOT_LINKED = strawberry.enum_value(
        "NOT_LINKED", description="The route's WhatsApp or target account is not linked."
    )


@strawberry.enum(description="What a person may allow their data to be used for.")
class ConsentPurpose(Enum):
    PERSONALISATION = "PERSONALISATION"
    ADS = "ADS"


@dataclass(frozen=True, slots=True, kw_only=True)
class AvatarRecord:
    image_url: str
    updated_at: datetime
    creation_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentRecord:
    purpose: ConsentPurpose
    granted: bool
    recorded_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonRecord:
    id: str
    email: str
    display_name: str
    region: str
    password_hash: str
    created_at: datetime
    linking_enabled: bool = False
    linking_changed_at: datetime | None = None
    sharing: Mapping[SharingRoute, bool] = field(default_factory=dict)
    consents: Mapping[ConsentPurpose, ConsentRecord] = field(default_factory=dict)
    avatar: AvatarRecord | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkRecord:
    person_id: str
    platform: Platform
    account_id: str
    linked_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class StickerRecord:
    id: str
    person_id: str
    label: str
    image_url: str
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CreationRecord:
    """An Imagine Me creation: an AI image of the person from a prompt."""

    id: str
    person_id: str
    prompt: str
    image_url: str
    created_at: datetime
    source_photo_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionRecord:
    """One issued token (by `jti`): sign-out (or revoking an app's grant) sets `revoked_at`.

    A partner app's token names the app in `client_id`; its own token (client credentials) has
    the app's client id as `person_id` too, since no person stands behind it.
    """

    token_id: str
    person_id: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    client_id: str | None = None

    @property
    def app_only(self) -> bool:
        return self.client_id is not None and self.person_id == self.client_id
