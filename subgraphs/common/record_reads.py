"""The batch reads every platform repository makes: records by id, by owner, and by parent.

WhatsApp's accounts and Statuses and Facebook's and Instagram's profiles and Stories are read the
same way: a DataLoader hands over a batch of keys and gets one query with `$in` back. The two
shapes differ only in the collection, the record a document becomes and, for posts, the parent
field, an extra filter (WhatsApp's "not expired yet") and a bound on how many a parent returns;
so each repository builds these from its collections instead of writing the reads again. Like a
`repository.py`, this module may import pymongo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bson import ObjectId
from pymongo import DESCENDING

from subgraphs.common.database import Document, MongoCollection

__all__ = ["ChildRecords", "OwnedRecords", "object_ids"]

R = TypeVar("R")


def object_ids(ids: Iterable[str]) -> list[ObjectId]:
    """Distinct ids as ObjectIds, for an `$in` on `_id` (callers pass parsed, valid ids)."""
    return [ObjectId(value) for value in dict.fromkeys(ids)]


def _no_filter() -> Document:
    return {}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Records(Generic[R]):
    collection: MongoCollection
    record: Callable[[Document], R]
    """Turns a stored document into the frozen record the layers above get."""
    live: Callable[[], Document] = _no_filter
    """A filter every read adds, built at read time (e.g. `expiresAt > now`)."""

    async def by_ids(self, ids: Iterable[str]) -> dict[str, R]:
        """The records with these ids (those that pass `live`), by id."""
        cursor = self.collection.find({"_id": {"$in": object_ids(ids)}, **self.live()})
        return {str(document["_id"]): self.record(document) async for document in cursor}


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnedRecords(_Records[R]):
    """Records a person has at most one of (a profile, an account), keyed also by `ownerId`."""

    async def by_owners(self, owner_ids: Iterable[str]) -> dict[str, R]:
        """Each owner's record, by owner id; owners without one are left out."""
        query = {"ownerId": {"$in": list(dict.fromkeys(owner_ids))}, **self.live()}
        cursor = self.collection.find(query)
        return {document["ownerId"]: self.record(document) async for document in cursor}


@dataclass(frozen=True, slots=True, kw_only=True)
class ChildRecords(_Records[R]):
    """Records that belong to a parent record (a profile's Stories), read newest first."""

    parent_field: str
    """The stored field naming the parent: "profileId"."""
    limit_each: int | None = None
    """At most about this many per parent: the query is limited to this times the parents."""

    async def by_parents(self, parent_ids: Iterable[str]) -> dict[str, list[R]]:
        """Each parent's records, newest first (ties by id); a list, empty for every parent
        that has none."""
        wanted = list(dict.fromkeys(parent_ids))
        found: dict[str, list[R]] = {parent_id: [] for parent_id in wanted}
        query = {self.parent_field: {"$in": wanted}, **self.live()}
        cursor = self.collection.find(query).sort([("createdAt", DESCENDING), ("_id", DESCENDING)])
        if self.limit_each is not None:
            cursor = cursor.limit(self.limit_each * max(1, len(wanted)))
        async for document in cursor:
            found[document[self.parent_field]].append(self.record(document))
        return found
