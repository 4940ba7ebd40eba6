"""The database layer Facebook and Instagram share: profiles, Stories and link proofs.

Both platforms keep the same shape of data (a profile owned by one person, Stories on it, some
of them cross-posted from a WhatsApp Status), so one repository class serves both; each
subgraph builds it on its own database, with its own name for the profile's handle (Facebook's
`name`, Instagram's unique `username`). This, `link_proofs` and `profile_photo` are the only
modules of those two subgraphs that import pymongo.

Cross-posted Stories are unique on (originPlatform, originId): a delivery that is retried after a
timeout finds the Story the first attempt wrote instead of writing a second one. The index is
sparse so that Stories posted directly (which have no origin) are not caught by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from subgraphs.common.database import Document, MongoDatabase
from subgraphs.common.link_proofs import LinkProofStore
from subgraphs.common.owned_records import OwnedRecord, owned_parts
from subgraphs.common.profile_photo import ProfilePhoto, photo_of, update_photo
from subgraphs.common.record_reads import ChildRecords, OwnedRecords

__all__ = ["DuplicateError", "ProfileRecord", "StoryPlatformRepository", "StoryRecord"]


class DuplicateError(Exception):
    """A unique index refused a write; `field` says which one ("owner" or the handle)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileRecord(OwnedRecord):
    handle: str
    photo: ProfilePhoto | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryRecord(OwnedRecord):
    profile_id: str
    caption: str
    media_url: str | None
    origin_platform: str | None
    origin_id: str | None


def _profile(document: Document, handle_field: str) -> ProfileRecord:
    return ProfileRecord(
        **owned_parts(document),
        handle=document[handle_field],
        photo=photo_of(document),
    )


def _story(document: Document) -> StoryRecord:
    return StoryRecord(
        **owned_parts(document),
        profile_id=document["profileId"],
        caption=document["caption"],
        media_url=document.get("mediaUrl"),
        origin_platform=document.get("originPlatform"),
        origin_id=document.get("originId"),
    )


class StoryPlatformRepository:
    """Profiles, Stories and link proofs in one platform's own database."""

    def __init__(self, database: MongoDatabase, *, handle_field: str, unique_handle: bool) -> None:
        self._profiles = database["profiles"]
        self._stories = database["stories"]
        self._handle_field = handle_field
        self.profiles = OwnedRecords(
            collection=self._profiles, record=lambda document: _profile(document, handle_field)
        )
        self.stories = ChildRecords(
            collection=self._stories, record=_story, parent_field="profileId"
        )
        self._unique_handle = unique_handle
        self.link_proofs = LinkProofStore(database)

    async def ensure_indexes(self) -> None:
        await self._profiles.create_index([("ownerId", ASCENDING)], unique=True)
        if self._unique_handle:
            await self._profiles.create_index([(self._handle_field, ASCENDING)], unique=True)
        await self._stories.create_index([("profileId", ASCENDING), ("createdAt", DESCENDING)])
        await self._stories.create_index(
            [("originPlatform", ASCENDING), ("originId", ASCENDING)], unique=True, sparse=True
        )
        await self.link_proofs.ensure_indexes()

    async def register_profile(self, owner_id: str, handle: str) -> ProfileRecord:
        """A new profile; DuplicateError("owner") or DuplicateError(handle field) if taken."""
        if await self._profiles.find_one({"ownerId": owner_id}, {"_id": 1}) is not None:
            raise DuplicateError("owner")
        document: Document = {
            "ownerId": owner_id,
            self._handle_field: handle,
            "createdAt": datetime.now(UTC),
        }
        try:
            await self._profiles.insert_one(document)
        except DuplicateKeyError as exc:
            owner_taken = "ownerId" in str(exc.details or exc)
            raise DuplicateError("owner" if owner_taken else self._handle_field) from exc
        return _profile(document, self._handle_field)

    async def set_photo(self, owner_id: str, photo: ProfilePhoto | None) -> ProfileRecord | None:
        """The owner's profile with its own photo set (None: removed); None without a profile."""
        document = await update_photo(self._profiles, owner_id, photo)
        return None if document is None else _profile(document, self._handle_field)

    async def create_story(
        self, profile: ProfileRecord, caption: str, media_url: str | None = None
    ) -> StoryRecord:
        """A Story the owner posts directly (no origin)."""
        document = self._story_document(profile, caption, media_url)
        await self._stories.insert_one(document)
        return _story(document)

    async def create_crossposted_story(
        self,
        *,
        account_id: str,
        origin_platform: str,
        origin_id: str,
        caption: str,
        media_url: str | None,
    ) -> tuple[StoryRecord, bool] | None:
        """The Story for a cross-post, written once however often it is delivered, and whether
        this call wrote it (a retry finds the first attempt's; only a new Story is news).

        None when `account_id` is not a profile here.
        """
        origin = {"originPlatform": origin_platform, "originId": origin_id}
        existing = await self._stories.find_one(origin)
        if existing is not None:
            return _story(existing), False
        profiles = await self.profiles.by_ids([account_id])
        profile = profiles.get(account_id)
        if profile is None:
            return None
        document = {**self._story_document(profile, caption, media_url), **origin}
        try:
            await self._stories.insert_one(document)
        except DuplicateKeyError:
            raced = await self._stories.find_one(origin)
            if raced is None:
                raise
            return _story(raced), False
        return _story(document), True

    @staticmethod
    def _story_document(profile: ProfileRecord, caption: str, media_url: str | None) -> Document:
        document: Document = {
            "profileId": profile.id,
            "ownerId": profile.owner_id,
            "caption": caption,
            "createdAt": datetime.now(UTC),
        }
        if media_url is not None:
            document["mediaUrl"] = media_url
        return document
