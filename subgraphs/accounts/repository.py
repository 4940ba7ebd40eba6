"""The only module of the accounts subgraph that talks to MongoDB.

Collections in `<MONGODB_DB>_accounts`: `people`, `sessions` (one per issued token, by `jti`),
`signing_keys`, `links`, `consent_events` (the history), `stickers` and `creations`. Unique
indexes carry the rules that must hold across replicas: one person per email, one link per
platform per person, and one person per platform account. FerretDB has no transactions, so each
write is a single-document operation, ordered so a failure leaves nothing half done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from subgraphs.accounts.records import (
    AvatarRecord,
    ConsentPurpose,
    ConsentRecord,
    CreationRecord,
    LinkRecord,
    PersonRecord,
    Platform,
    SessionRecord,
    SharingRoute,
    StickerRecord,
)
from subgraphs.common.database import Document, MongoDatabase

__all__ = ["AccountsRepository", "SigningKeyDocument"]

SigningKeyDocument = dict[str, Any]
PRIMARY_KEY_ID = "primary"

INDEXES: dict[str, list[IndexModel]] = {
    "people": [IndexModel([("email", ASCENDING)], unique=True, name="one_person_per_email")],
    "sessions": [IndexModel([("personId", ASCENDING)], name="sessions_by_person")],
    "links": [
        IndexModel(
            [("personId", ASCENDING), ("platform", ASCENDING)],
            unique=True,
            name="one_link_per_platform_per_person",
        ),
        IndexModel(
            [("platform", ASCENDING), ("accountId", ASCENDING)],
            unique=True,
            name="one_person_per_platform_account",
        ),
    ],
    "consent_events": [
        IndexModel([("personId", ASCENDING), ("recordedAt", DESCENDING)], name="history")
    ],
    "stickers": [IndexModel([("personId", ASCENDING), ("createdAt", DESCENDING)], name="owner")],
    "creations": [IndexModel([("personId", ASCENDING), ("createdAt", DESCENDING)], name="owner")],
}


def _person(doc: Document) -> PersonRecord:
    avatar = doc.get("avatar")
    return PersonRecord(
        id=str(doc["_id"]),
        email=doc["email"],
        display_name=doc["displayName"],
        region=doc["region"],
        password_hash=doc["passwordHash"],
        created_at=doc["createdAt"],
        linking_enabled=bool(doc.get("linkingEnabled", False)),
        linking_changed_at=doc.get("linkingChangedAt"),
        sharing={
            route: bool(doc.get("sharing", {}).get(route.value, False)) for route in SharingRoute
        },
        consents={
            purpose: ConsentRecord(
                purpose=purpose, granted=bool(value["granted"]), recorded_at=value["recordedAt"]
            )
            for purpose in ConsentPurpose
            if (value := doc.get("consents", {}).get(purpose.value)) is not None
        },
        avatar=AvatarRecord(
            image_url=avatar["imageUrl"],
            updated_at=avatar["updatedAt"],
            creation_id=avatar.get("creationId"),
        )
        if avatar
        else None,
    )


def _link(doc: Document) -> LinkRecord:
    return LinkRecord(
        person_id=str(doc["personId"]),
        platform=Platform(doc["platform"]),
        account_id=doc["accountId"],
        linked_at=doc["linkedAt"],
    )


def _sticker(doc: Document) -> StickerRecord:
    return StickerRecord(
        id=str(doc["_id"]),
        person_id=str(doc["personId"]),
        label=doc["label"],
        image_url=doc["imageUrl"],
        created_at=doc["createdAt"],
    )


def _creation(doc: Document) -> CreationRecord:
    return CreationRecord(
        id=str(doc["_id"]),
        person_id=str(doc["personId"]),
        prompt=doc["prompt"],
        image_url=doc["imageUrl"],
        created_at=doc["createdAt"],
        source_photo_urls=tuple(doc.get("sourcePhotoUrls", ())),
    )


def _session(doc: Document) -> SessionRecord:
    person, client = doc.get("personId"), doc.get("clientId")
    return SessionRecord(
        token_id=doc["_id"],
        person_id=str(person) if person is not None else str(client),
        issued_at=doc["issuedAt"],
        expires_at=doc["expiresAt"],
        revoked_at=doc.get("revokedAt"),
        client_id=client,
    )


class AccountsRepository:
    """Reads and writes of the accounts database; person ids are ObjectIds here."""

    def __init__(self, database: MongoDatabase) -> None:
        self._db = database

    async def ensure_indexes(self) -> None:
        """Idempotent, so every replica runs it at start-up.

        One index per command: FerretDB 1.24 drops the connection when a multi-index
        `createIndexes` names indexes that already exist.
        """
        for collection, indexes in INDEXES.items():
            for index in indexes:
                await self._db[collection].create_indexes([index])

    # -- signing key ------------------------------------------------------------------------

    async def signing_key(self, make: Callable[[], SigningKeyDocument]) -> SigningKeyDocument:
        """The shared signing key; the first replica to ask creates it, the rest read it."""
        doc = await self._db.signing_keys.find_one_and_update(
            {"_id": PRIMARY_KEY_ID},
            {"$setOnInsert": make()},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return dict(doc or {})

    # -- people -----------------------------------------------------------------------------

    async def create_person(
        self, *, email: str, display_name: str, region: str, password_hash: str, at: datetime
    ) -> PersonRecord | None:
        """The new person, or None when the email is taken."""
        doc: Document = {
            "_id": ObjectId(),
            "email": email,
            "displayName": display_name,
            "region": region,
            "passwordHash": password_hash,
            "createdAt": at,
            "linkingEnabled": False,
        }
        try:
            await self._db.people.insert_one(doc)
        except DuplicateKeyError:
            return None
        return _person(doc)

    async def person_by_email(self, email: str) -> PersonRecord | None:
        doc = await self._db.people.find_one({"email": email})
        return _person(doc) if doc else None

    async def people_by_ids(self, ids: Sequence[ObjectId]) -> list[PersonRecord]:
        """Every person among `ids`, in one query."""
        return [_person(doc) async for doc in self._db.people.find({"_id": {"$in": list(ids)}})]

    async def set_linking_enabled(self, person_id: ObjectId, enabled: bool, at: datetime) -> bool:
        """Set the switch; whether this write changed it (read atomically with the write, so of
        two racing writes only one sees a change, and a request's cached record cannot lie)."""
        before = await self._db.people.find_one_and_update(
            {"_id": person_id},
            {"$set": {"linkingEnabled": enabled, "linkingChangedAt": at}},
            return_document=ReturnDocument.BEFORE,  # no projection: FerretDB has none here
        )
        return before is not None and bool(before.get("linkingEnabled", False)) != enabled

    async def set_sharing(self, person_id: ObjectId, route: SharingRoute, enabled: bool) -> None:
        await self._db.people.update_one(
            {"_id": person_id}, {"$set": {f"sharing.{route.value}": enabled}}
        )

    async def record_consent(
        self, person_id: ObjectId, purpose: ConsentPurpose, granted: bool, at: datetime
    ) -> None:
        """Append to the history first, then update the current choice."""
        await self._db.consent_events.insert_one(
            {"personId": person_id, "purpose": purpose.value, "granted": granted, "recordedAt": at}
        )
        await self._db.people.update_one(
            {"_id": person_id},
            {"$set": {f"consents.{purpose.value}": {"granted": granted, "recordedAt": at}}},
        )

    async def consent_history(self, person_id: ObjectId, limit: int) -> list[ConsentRecord]:
        cursor = (
            self._db.consent_events.find({"personId": person_id})
            .sort([("recordedAt", DESCENDING), ("_id", DESCENDING)])
            .limit(limit)
        )
        return [
            ConsentRecord(
                purpose=ConsentPurpose(doc["purpose"]),
                granted=bool(doc["granted"]),
                recorded_at=doc["recordedAt"],
            )
            async for doc in cursor
        ]

    async def set_avatar(self, person_id: ObjectId, avatar: AvatarRecord | None) -> None:
        value = (
            None
            if avatar is None
            else {
                "imageUrl": avatar.image_url,
                "updatedAt": avatar.updated_at,
                "creationId": avatar.creation_id,
            }
        )
        await self._db.people.update_one({"_id": person_id}, {"$set": {"avatar": value}})

    # -- links ------------------------------------------------------------------------------

    async def links_for_people(self, ids: Sequence[ObjectId]) -> list[LinkRecord]:
        cursor = self._db.links.find({"personId": {"$in": list(ids)}}).sort("linkedAt", ASCENDING)
        return [_link(doc) async for doc in cursor]

    async def links_of_accounts(self, accounts: Sequence[tuple[Platform, str]]) -> list[LinkRecord]:
        """The links of these (platform, account id) pairs, in one query."""
        wanted = [{"platform": p.value, "accountId": a} for p, a in dict.fromkeys(accounts)]
        if not wanted:
            return []
        return [_link(doc) async for doc in self._db.links.find({"$or": wanted})]

    async def link_of_account(self, platform: Platform, account_id: str) -> LinkRecord | None:
        doc = await self._db.links.find_one({"platform": platform.value, "accountId": account_id})
        return _link(doc) if doc else None

    async def insert_link(
        self, person_id: ObjectId, platform: Platform, account_id: str, at: datetime
    ) -> bool:
        """False when a unique index refuses it (linked meanwhile)."""
        doc = {
            "personId": person_id,
            "platform": platform.value,
            "accountId": account_id,
            "linkedAt": at,
        }
        try:
            await self._db.links.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def delete_link(self, person_id: ObjectId, platform: Platform) -> LinkRecord | None:
        doc = await self._db.links.find_one_and_delete(
            {"personId": person_id, "platform": platform.value}
        )
        return _link(doc) if doc else None

    async def disable_routes_to(self, person_id: ObjectId, routes: Iterable[SharingRoute]) -> None:
        updates = {f"sharing.{route.value}": False for route in routes}
        if updates:
            await self._db.people.update_one({"_id": person_id}, {"$set": updates})

    # -- shared assets ----------------------------------------------------------------------

    async def stickers_for_people(self, ids: Sequence[ObjectId]) -> list[StickerRecord]:
        cursor = self._db.stickers.find({"personId": {"$in": list(ids)}}).sort(
            [("createdAt", DESCENDING), ("_id", DESCENDING)]
        )
        return [_sticker(doc) async for doc in cursor]

    async def insert_sticker(self, sticker: StickerRecord) -> None:
        await self._db.stickers.insert_one(
            {
                "_id": ObjectId(sticker.id),
                "personId": ObjectId(sticker.person_id),
                "label": sticker.label,
                "imageUrl": sticker.image_url,
                "createdAt": sticker.created_at,
            }
        )

    async def delete_sticker(self, person_id: ObjectId, sticker_id: ObjectId) -> bool:
        result = await self._db.stickers.delete_one({"_id": sticker_id, "personId": person_id})
        return result.deleted_count == 1

    async def creations_for_people(self, ids: Sequence[ObjectId]) -> list[CreationRecord]:
        cursor = self._db.creations.find({"personId": {"$in": list(ids)}}).sort(
            [("createdAt", DESCENDING), ("_id", DESCENDING)]
        )
        return [_creation(doc) async for doc in cursor]

    async def creation(self, person_id: ObjectId, creation_id: ObjectId) -> CreationRecord | None:
        doc = await self._db.creations.find_one({"_id": creation_id, "personId": person_id})
        return _creation(doc) if doc else None

    async def insert_creation(self, creation: CreationRecord) -> None:
        await self._db.creations.insert_one(
            {
                "_id": ObjectId(creation.id),
                "personId": ObjectId(creation.person_id),
                "prompt": creation.prompt,
                "imageUrl": creation.image_url,
                "createdAt": creation.created_at,
                "sourcePhotoUrls": list(creation.source_photo_urls),
            }
        )

    async def delete_creation(self, person_id: ObjectId, creation_id: ObjectId) -> bool:
        result = await self._db.creations.delete_one({"_id": creation_id, "personId": person_id})
        return result.deleted_count == 1

    # -- sessions (issued tokens) -----------------------------------------------------------

    async def insert_session(self, session: SessionRecord) -> None:
        await self._db.sessions.insert_one(
            {
                "_id": session.token_id,
                "personId": None if session.app_only else ObjectId(session.person_id),
                "clientId": session.client_id,
                "issuedAt": session.issued_at,
                "expiresAt": session.expires_at,
                "revokedAt": None,
            }
        )

    async def session(self, token_id: str) -> SessionRecord | None:
        doc = await self._db.sessions.find_one({"_id": token_id})
        return _session(doc) if doc else None

    async def revoke_session(self, token_id: str, at: datetime) -> None:
        await self._db.sessions.update_one(
            {"_id": token_id, "revokedAt": None}, {"$set": {"revokedAt": at}}
        )
