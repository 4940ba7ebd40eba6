"""The platform repositories' batch reads on a real database: by ids, by owners, by parents.

Every DataLoader of WhatsApp, Facebook and Instagram reads through these, so what they promise
is checked here once: a batch of keys is one query, keys without a record are left out (or an
empty list for a parent), a parent's records come newest first with ties by id, the `live`
filter drops records in every read, and `limit_each` bounds how many a batch returns.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient

from subgraphs.common.database import Document, MongoCollection
from subgraphs.common.record_reads import ChildRecords, OwnedRecords

pytestmark = pytest.mark.integration

START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    id: str
    owner_id: str
    parent_id: str
    created_at: datetime
    hidden: bool


def _item(document: Document) -> Item:
    return Item(
        id=str(document["_id"]),
        owner_id=document["ownerId"],
        parent_id=document["parentId"],
        created_at=document["createdAt"],
        hidden=document["hidden"],
    )


def _visible() -> Document:
    return {"hidden": False}


@pytest.fixture
async def collection(mongodb_uri: str, db_prefix: str) -> AsyncIterator[MongoCollection]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongodb_uri, tz_aware=True)
    try:
        yield client[f"{db_prefix}_reads"]["items"]
    finally:
        await client.close()


async def _insert(
    collection: MongoCollection, owner: str, parent: str, minutes: int, hidden: bool = False
) -> str:
    document: Document = {
        "ownerId": owner,
        "parentId": parent,
        "createdAt": START + timedelta(minutes=minutes),
        "hidden": hidden,
    }
    result = await collection.insert_one(document)
    return str(result.inserted_id)


async def test_by_ids_and_by_owners_leave_out_what_is_missing_or_not_live(
    collection: MongoCollection,
) -> None:
    shown = await _insert(collection, "ada", "p1", 1)
    hidden = await _insert(collection, "bob", "p1", 2, hidden=True)
    missing = str(ObjectId())
    every = OwnedRecords(collection=collection, record=_item)
    live = OwnedRecords(collection=collection, record=_item, live=_visible)

    assert set(await every.by_ids([shown, hidden, missing, shown])) == {shown, hidden}
    found = await live.by_ids([shown, hidden, missing])
    assert list(found) == [shown]
    assert found[shown].owner_id == "ada"

    by_owner = await every.by_owners(["ada", "bob", "carol", "ada"])
    assert {owner: item.id for owner, item in by_owner.items()} == {"ada": shown, "bob": hidden}
    assert list(await live.by_owners(["ada", "bob"])) == ["ada"]


async def test_by_parents_is_newest_first_per_parent_with_every_parent_present(
    collection: MongoCollection,
) -> None:
    oldest = await _insert(collection, "ada", "p1", 1)
    newest = await _insert(collection, "ada", "p1", 3)
    tied_first = await _insert(collection, "ada", "p1", 2)
    tied_second = await _insert(collection, "ada", "p1", 2)
    await _insert(collection, "ada", "p1", 4, hidden=True)
    other = await _insert(collection, "bob", "p2", 1)
    children = ChildRecords(
        collection=collection, record=_item, live=_visible, parent_field="parentId"
    )

    found = await children.by_parents(["p1", "p2", "p3", "p1"])

    assert list(found) == ["p1", "p2", "p3"]
    assert [item.id for item in found["p1"]] == [newest, tied_second, tied_first, oldest]
    assert [item.id for item in found["p2"]] == [other]
    assert found["p3"] == []


async def test_limit_each_bounds_a_batch_by_the_number_of_parents(
    collection: MongoCollection,
) -> None:
    for minutes in range(5):
        await _insert(collection, "ada", "p1", minutes)
    children = ChildRecords(
        collection=collection, record=_item, parent_field="parentId", limit_each=2
    )

    assert len((await children.by_parents(["p1"]))["p1"]) == 2
    both = await children.by_parents(["p1", "p2"])
    assert [item.created_at for item in both["p1"]] == [
        START + timedelta(minutes=minutes) for minutes in (4, 3, 2, 1)
    ]
    assert both["p2"] == []
