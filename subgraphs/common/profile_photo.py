"""A platform's own profile photo: what a WhatsApp account or a Facebook or Instagram profile
shows when it is not linked to an Accounts Center (linked and active, it shows the person's
shared avatar instead; accounts decides that, see `subgraphs/accounts/profiles.py`).

Stored on the profile's own document as `photo: {imageUrl, updatedAt}`; the URL is checked as
strictly as the shared avatar's (`subgraphs/common/urls.py`). `photo_of` and `update_photo` are
repository helpers (like `link_proofs`, they touch the collection a repository hands them);
`set_own_photo` is the mutation's rule, shared by the three platforms.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from pymongo import ReturnDocument

from subgraphs.common.auth import HasAuth, require_viewer
from subgraphs.common.database import Document, MongoCollection
from subgraphs.common.errors import not_found
from subgraphs.common.urls import check_image_url

__all__ = ["ProfilePhoto", "photo_of", "set_own_photo", "update_photo"]

R = TypeVar("R")


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfilePhoto:
    image_url: str
    updated_at: datetime


def photo_of(document: Document) -> ProfilePhoto | None:
    """The photo stored on a profile document, if any."""
    photo = document.get("photo")
    if not photo:
        return None
    return ProfilePhoto(image_url=photo["imageUrl"], updated_at=photo["updatedAt"])


async def update_photo(
    collection: MongoCollection, owner_id: str, photo: ProfilePhoto | None
) -> Document | None:
    """Sets (None: removes) the photo of `owner_id`'s profile; its new document, or None."""
    change: Document = (
        {"$unset": {"photo": ""}}
        if photo is None
        else {"$set": {"photo": {"imageUrl": photo.image_url, "updatedAt": photo.updated_at}}}
    )
    updated: Document | None = await collection.find_one_and_update(
        {"ownerId": owner_id}, change, return_document=ReturnDocument.AFTER
    )
    return updated


async def set_own_photo(
    context: HasAuth,
    save: Callable[[str, ProfilePhoto | None], Awaitable[R | None]],
    image_url: str | None,
    what: str,
) -> R:
    """The caller's profile after setting (or, with None, removing) its own photo.

    `save(owner_id, photo)` writes it; NOT_FOUND when the caller has no `what` yet.
    """
    viewer = await require_viewer(context)
    photo = None
    if image_url is not None:
        photo = ProfilePhoto(
            image_url=check_image_url(image_url),
            updated_at=datetime.now(UTC).replace(microsecond=0),
        )
    saved = await save(viewer.person_id, photo)
    if saved is None:
        raise not_found(f"Register {what} first.")
    return saved
