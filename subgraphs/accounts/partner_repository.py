"""The accounts database's partner collections: `partner_apps`, `app_grants`, `auth_codes`.

Beside `repository.py` (which keeps people, links and `sessions`) so neither grows past a
screenful of concerns; like it, this is a module that talks to MongoDB and hands frozen
records upward. Unique indexes keep one client id per app and one grant per (person, app)
across replicas. An authorization code is spent by one atomic `findAndModify`, so two
concurrent exchanges of one code cannot both succeed.
"""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING, IndexModel, ReturnDocument

from subgraphs.accounts.partner_records import AppRecord, AuthCodeRecord, GrantRecord
from subgraphs.common.database import Document, MongoDatabase

__all__ = ["PartnerRepository"]

INDEXES: dict[str, list[IndexModel]] = {
    "partner_apps": [IndexModel([("clientId", ASCENDING)], unique=True, name="one_client_id")],
    "app_grants": [
        IndexModel(
            [("personId", ASCENDING), ("clientId", ASCENDING)],
            unique=True,
            name="one_grant_per_person_and_app",
        )
    ],
    "auth_codes": [IndexModel([("expiresAt", ASCENDING)], name="codes_by_expiry")],
    "sessions": [IndexModel([("clientId", ASCENDING)], name="sessions_by_client")],
}


def _app(doc: Document) -> AppRecord:
    return AppRecord(
        client_id=doc["clientId"],
        name=doc["name"],
        redirect_uris=tuple(doc["redirectUris"]),
        scopes=tuple(doc["scopes"]),
        secret_hash=doc["secretHash"],
        owner_id=str(doc["ownerId"]),
        created_at=doc["createdAt"],
    )


def _grant(doc: Document) -> GrantRecord:
    return GrantRecord(
        id=str(doc["_id"]),
        person_id=str(doc["personId"]),
        client_id=doc["clientId"],
        scopes=tuple(doc["scopes"]),
        granted_at=doc["grantedAt"],
    )


def _code(doc: Document) -> AuthCodeRecord:
    return AuthCodeRecord(
        code_hash=doc["_id"],
        client_id=doc["clientId"],
        person_id=str(doc["personId"]),
        grant_id=str(doc["grantId"]),
        redirect_uri=doc["redirectUri"],
        scopes=tuple(doc["scopes"]),
        code_challenge=doc["codeChallenge"],
        expires_at=doc["expiresAt"],
    )


class PartnerRepository:
    """Reads and writes of partner apps, grants, codes and the sessions issued to apps."""

    def __init__(self, database: MongoDatabase) -> None:
        self._db = database

    async def ensure_indexes(self) -> None:
        for collection, indexes in INDEXES.items():
            for index in indexes:  # one per command, as in repository.py (FerretDB 1.24)
                await self._db[collection].create_indexes([index])

    # -- apps -------------------------------------------------------------------------------

    async def insert_app(self, app: AppRecord) -> None:
        await self._db.partner_apps.insert_one(
            {
                "clientId": app.client_id,
                "name": app.name,
                "redirectUris": list(app.redirect_uris),
                "scopes": list(app.scopes),
                "secretHash": app.secret_hash,
                "ownerId": ObjectId(app.owner_id),
                "createdAt": app.created_at,
            }
        )

    async def app(self, client_id: str) -> AppRecord | None:
        doc = await self._db.partner_apps.find_one({"clientId": client_id})
        return _app(doc) if doc else None

    async def apps(self, client_ids: list[str]) -> dict[str, AppRecord]:
        cursor = self._db.partner_apps.find({"clientId": {"$in": client_ids}})
        return {doc["clientId"]: _app(doc) async for doc in cursor}

    # -- grants -----------------------------------------------------------------------------

    async def add_grant(
        self, person_id: str, client_id: str, scopes: tuple[str, ...], at: datetime
    ) -> GrantRecord:
        """The person's grant to the app, created or widened by `scopes` (never narrowed)."""
        doc = await self._db.app_grants.find_one_and_update(
            {"personId": ObjectId(person_id), "clientId": client_id},
            {"$addToSet": {"scopes": {"$each": list(scopes)}}, "$set": {"grantedAt": at}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None  # an upsert returning the document after always has one
        return _grant(doc)

    async def grant(self, grant_id: str) -> GrantRecord | None:
        if not ObjectId.is_valid(grant_id):
            return None
        doc = await self._db.app_grants.find_one({"_id": ObjectId(grant_id)})
        return _grant(doc) if doc else None

    async def grants_of(self, person_id: str) -> list[GrantRecord]:
        cursor = self._db.app_grants.find({"personId": ObjectId(person_id)}).sort("grantedAt", -1)
        return [_grant(doc) async for doc in cursor]

    async def delete_grant(self, person_id: str, client_id: str) -> bool:
        found = await self._db.app_grants.delete_one(
            {"personId": ObjectId(person_id), "clientId": client_id}
        )
        return found.deleted_count == 1

    # -- authorization codes ----------------------------------------------------------------

    async def insert_code(self, code: AuthCodeRecord, now: datetime) -> None:
        """Store `code`, and drop the codes that expired (spent or not: they are dead either way).

        A TTL index would do the dropping on MongoDB; FerretDB 1.x refuses `expireAfterSeconds`
        (FerretDB issue 2415).
        """
        await self._db.auth_codes.delete_many({"expiresAt": {"$lte": now}})
        await self._db.auth_codes.insert_one(
            {
                "_id": code.code_hash,
                "clientId": code.client_id,
                "personId": ObjectId(code.person_id),
                "grantId": ObjectId(code.grant_id),
                "redirectUri": code.redirect_uri,
                "scopes": list(code.scopes),
                "codeChallenge": code.code_challenge,
                "expiresAt": code.expires_at,
                "usedAt": None,
            }
        )

    async def spend_code(self, code_hash: str, at: datetime) -> AuthCodeRecord | None:
        """The unspent, unexpired code with this hash, marked spent; None otherwise."""
        doc = await self._db.auth_codes.find_one_and_update(
            {"_id": code_hash, "usedAt": None, "expiresAt": {"$gt": at}},
            {"$set": {"usedAt": at}},
        )
        return _code(doc) if doc else None

    # -- tokens issued to apps --------------------------------------------------------------

    async def live_tokens(
        self, person_id: str, client_id: str, now: datetime
    ) -> list[tuple[str, datetime]]:
        """(jti, expiry) of the app's tokens for the person that are not revoked nor expired."""
        cursor = self._db.sessions.find(
            {
                "personId": ObjectId(person_id),
                "clientId": client_id,
                "revokedAt": None,
                "expiresAt": {"$gt": now},
            }
        )
        return [(doc["_id"], doc["expiresAt"]) async for doc in cursor]
