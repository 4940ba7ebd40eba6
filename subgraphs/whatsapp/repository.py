"""WhatsApp's database layer (with `link_proofs`, the only WhatsApp code that imports pymongo).

Statuses expire 24 hours after they are posted. A TTL index on `expiresAt` removes them where the
server supports it, but TTL monitors run lazily (MongoDB's once a minute; FerretDB 1.x has none),
so every read also filters on `expiresAt > now` and the delivery worker purges expired ones.

A Status and its cross-posts are one document: the cross-post entries are the outbox. Writing them
in the same insert as the Status makes them durable together without a transaction (FerretDB 1.x
has none). `deliveryDueAt` is set while any entry is PENDING. A replica claims a due Status by
taking its next numbered lease (a unique insert into `delivery_leases`, atomic on MongoDB and
FerretDB alike) and moving `deliveryDueAt` to the lease's end: if the replica dies, the Status is
due again when the lease runs out. Results are stored only while the Status still names that
lease. So two replicas never deliver the same Status at the same time, and if a lease runs out
mid-delivery the target's unique index on (originPlatform, originId) still keeps one Story:
each cross-post lands exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from subgraphs.common.database import Document, MongoDatabase
from subgraphs.common.link_proofs import LinkProofStore, create_ttl_index
from subgraphs.common.owned_records import owned_parts
from subgraphs.common.profile_photo import ProfilePhoto, photo_of, update_photo
from subgraphs.common.record_reads import ChildRecords, OwnedRecords
from subgraphs.whatsapp.records import (
    AccountRecord,
    CrossPostRecord,
    DeliveryState,
    StatusRecord,
)

__all__ = ["STATUS_LIFETIME", "DuplicateError", "WhatsAppRepository", "make_repository"]

STATUS_LIFETIME = timedelta(hours=24)
STATUSES_PER_ACCOUNT = 200


class DuplicateError(Exception):
    """A unique index refused a write; `field` is "owner" or "phoneNumber"."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def to_millis(moment: datetime) -> datetime:
    """`moment` at BSON's millisecond precision, so a value read back compares equal."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _account(document: Document) -> AccountRecord:
    return AccountRecord(
        **owned_parts(document),
        phone_number=document["phoneNumber"],
        is_business=bool(document.get("isBusiness", False)),
        business_name=document.get("businessName"),
        photo=photo_of(document),
    )


def _cross_post(entry: Mapping[str, Any]) -> CrossPostRecord:
    return CrossPostRecord(
        platform=entry["platform"],
        account_id=entry["accountId"],
        state=DeliveryState(entry["state"]),
        story_id=entry.get("storyId"),
        attempts=int(entry.get("attempts", 0)),
        last_error=entry.get("lastError"),
        updated_at=entry.get("updatedAt"),
        next_attempt_at=entry.get("nextAttemptAt"),
    )


def _cross_post_document(record: CrossPostRecord) -> Document:
    return {
        "platform": record.platform,
        "accountId": record.account_id,
        "state": record.state.value,
        "storyId": record.story_id,
        "attempts": record.attempts,
        "lastError": record.last_error,
        "updatedAt": record.updated_at,
        "nextAttemptAt": record.next_attempt_at,
    }


def _status(document: Document) -> StatusRecord:
    return StatusRecord(
        **owned_parts(document),
        account_id=document["accountId"],
        text=document["text"],
        expires_at=document["expiresAt"],
        cross_posts=tuple(_cross_post(entry) for entry in document.get("crossPosts", [])),
        delivery_due_at=document.get("deliveryDueAt"),
        lease=int(document.get("lease", 0)),
    )


def _lease_values(lease: int) -> list[int | None]:
    """Lease 0 (the posting replica's in-line try) is stored as no `lease` field at all."""
    return [0, None] if lease == 0 else [lease]


def _live() -> Document:
    """Every read leaves out expired Statuses: the TTL monitor may not have run yet."""
    return {"expiresAt": {"$gt": datetime.now(UTC)}}


class WhatsAppRepository:
    """Accounts, Statuses (with their cross-post outbox) and link proofs."""

    def __init__(self, database: MongoDatabase) -> None:
        self._accounts = database["accounts"]
        self._statuses = database["statuses"]
        self.accounts = OwnedRecords(collection=self._accounts, record=_account)
        self.statuses = ChildRecords(
            collection=self._statuses,
            record=_status,
            live=_live,
            parent_field="accountId",
            limit_each=STATUSES_PER_ACCOUNT,
        )
        """Live Statuses only, each account's newest first."""
        self._leases = database["delivery_leases"]
        self.link_proofs = LinkProofStore(database)

    async def ensure_indexes(self) -> None:
        await self._accounts.create_index([("ownerId", ASCENDING)], unique=True)
        await self._accounts.create_index([("phoneNumber", ASCENDING)], unique=True)
        await self._statuses.create_index([("accountId", ASCENDING), ("createdAt", DESCENDING)])
        await self._statuses.create_index([("deliveryDueAt", ASCENDING)])
        await create_ttl_index(self._statuses, "expiresAt")
        await create_ttl_index(self._leases, "until")
        await self.link_proofs.ensure_indexes()

    async def register_account(
        self, owner_id: str, phone_number: str, business_name: str | None
    ) -> AccountRecord:
        """A new account; DuplicateError when the person or the number already has one."""
        if await self._accounts.find_one({"ownerId": owner_id}, {"_id": 1}) is not None:
            raise DuplicateError("owner")
        document: Document = {
            "ownerId": owner_id,
            "phoneNumber": phone_number,
            "isBusiness": business_name is not None,
            "businessName": business_name,
            "createdAt": datetime.now(UTC),
        }
        try:
            await self._accounts.insert_one(document)
        except DuplicateKeyError as exc:
            field = "owner" if "ownerId" in str(exc.details or exc) else "phoneNumber"
            raise DuplicateError(field) from exc
        return _account(document)

    async def set_photo(self, owner_id: str, photo: ProfilePhoto | None) -> AccountRecord | None:
        """The owner's account with its own photo set (None: removed); None without one."""
        document = await update_photo(self._accounts, owner_id, photo)
        return None if document is None else _account(document)

    async def insert_status(
        self,
        account: AccountRecord,
        text: str,
        cross_posts: Sequence[CrossPostRecord],
        claimed_until: datetime | None,
    ) -> StatusRecord:
        """The Status and its outbox entries, in one write (claimed by the caller if any)."""
        now = to_millis(datetime.now(UTC))
        document: Document = {
            "accountId": account.id,
            "ownerId": account.owner_id,
            "text": text,
            "createdAt": now,
            "expiresAt": now + STATUS_LIFETIME,
            "crossPosts": [_cross_post_document(entry) for entry in cross_posts],
        }
        if cross_posts and claimed_until is not None:
            document["deliveryDueAt"] = to_millis(claimed_until)
        await self._statuses.insert_one(document)
        return _status(document)

    async def claim_due(
        self, now: datetime, claimed_until: datetime, limit: int
    ) -> list[StatusRecord]:
        """Up to `limit` Statuses whose delivery is due, each leased to this caller until
        `claimed_until` (a lease that runs out, because its replica died, is due again).

        Taking lease n+1 of a Status is inserting `<status id>:<n+1>` into `delivery_leases`:
        the unique `_id` lets exactly one replica win it on every server. A compare-and-set
        update would be enough on MongoDB, but FerretDB 1.x checks an update's filter apart
        from its write, so two replicas racing for one Status could both "win" there.
        """
        query = {"deliveryDueAt": {"$lte": now}, "expiresAt": {"$gt": now}}
        due = self._statuses.find(query).sort("deliveryDueAt", ASCENDING).limit(limit)
        until = to_millis(claimed_until)
        claimed: list[StatusRecord] = []
        async for document in due:
            lease = int(document.get("lease", 0)) + 1
            try:
                await self._leases.insert_one(
                    {"_id": f"{document['_id']}:{lease}", "until": until, "takenAt": now}
                )
            except DuplicateKeyError:
                continue  # another replica took this lease first
            change = {"deliveryDueAt": until, "lease": lease}
            await self._statuses.update_one({"_id": document["_id"]}, {"$set": change})
            claimed.append(_status({**document, **change}))
        return claimed

    async def save_delivery(
        self,
        status: StatusRecord,
        cross_posts: Sequence[CrossPostRecord],
        next_due: datetime | None,
    ) -> StatusRecord | None:
        """Store delivery results if `status` is still claimed as read; None if someone else
        took it over meanwhile (their results win; delivery is idempotent either way)."""
        entries = [_cross_post_document(entry) for entry in cross_posts]
        change: Document = {"$set": {"crossPosts": entries}}
        if next_due is None:
            change["$unset"] = {"deliveryDueAt": ""}
        else:
            change["$set"]["deliveryDueAt"] = to_millis(next_due)
        result = await self._statuses.update_one(
            {"_id": ObjectId(status.id), "lease": {"$in": _lease_values(status.lease)}}, change
        )
        if result.modified_count != 1:
            return None
        due = None if next_due is None else to_millis(next_due)
        return _status(
            {
                "_id": status.id,
                "accountId": status.account_id,
                "ownerId": status.owner_id,
                "text": status.text,
                "createdAt": status.created_at,
                "expiresAt": status.expires_at,
                "crossPosts": entries,
                "deliveryDueAt": due,
                "lease": status.lease,
            }
        )

    async def purge_expired(self) -> int:
        """Delete expired Statuses and leases (for servers without TTL indexes); how many
        Statuses went. A lease only matters until the Status records its number, which it
        does right after taking it, so one that ran out is safe to drop."""
        now = datetime.now(UTC)
        await self._leases.delete_many({"until": {"$lte": now}})
        result = await self._statuses.delete_many({"expiresAt": {"$lte": now}})
        return result.deleted_count


def make_repository(database: MongoDatabase) -> WhatsAppRepository:
    return WhatsAppRepository(database)
