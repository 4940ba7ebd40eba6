"""What WhatsApp's repository hands to the layers above: frozen records, never raw documents.

A Status carries its cross-posts inline: each `CrossPostRecord` is the durable outbox entry for
one target platform, written in the same single-document insert as the Status itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from subgraphs.common.owned_records import OwnedRecord
from subgraphs.common.profile_photo import ProfilePhoto

__all__ = ["AccountRecord", "CrossPostRecord", "DeliveryState", "StatusRecord"]


class DeliveryState(StrEnum):
    """Where one cross-post stands. Only PENDING is retried."""

    PENDING = "PENDING"  # written, not yet confirmed by the target
    DONE = "DONE"  # the target holds the Story (`story_id`)
    FAILED = "FAILED"  # the target refused it for good (e.g. the profile no longer exists)
    CANCELLED = "CANCELLED"  # the link or the route was removed before delivery


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountRecord(OwnedRecord):
    phone_number: str
    is_business: bool
    business_name: str | None
    photo: ProfilePhoto | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CrossPostRecord:
    platform: str  # FACEBOOK or INSTAGRAM
    account_id: str  # the target profile's id on that platform
    state: DeliveryState
    story_id: str | None = None
    attempts: int = 0
    last_error: str | None = None
    updated_at: datetime | None = None
    next_attempt_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusRecord(OwnedRecord):
    account_id: str
    text: str
    expires_at: datetime
    cross_posts: tuple[CrossPostRecord, ...]
    delivery_due_at: datetime | None
    lease: int = 0  # the delivery lease this record was read under (0: the posting replica's)

    @property
    def profile_id(self) -> str:
        """The account, by the name the platform code gives the profile a post is on."""
        return self.account_id
