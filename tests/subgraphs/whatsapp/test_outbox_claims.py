"""The cross-post outbox's claims on a real database: one replica per due Status, leases retaken.

Several whatsapp replicas poll one outbox. A claim is a numbered lease taken with a unique
insert: two replicas claiming at once split the due Statuses between them (on FerretDB too,
where neither findAndModify nor a compare-and-set update is atomic), a leased Status is not due
for anyone else, and a lease that runs out (its replica died) is retaken, after which the first
holder can no longer store results.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient

from subgraphs.common.database import Document, create_client, write_concern_of
from subgraphs.common.settings import load_settings
from subgraphs.whatsapp.records import AccountRecord, CrossPostRecord, DeliveryState
from subgraphs.whatsapp.repository import WhatsAppRepository

pytestmark = pytest.mark.integration

STATUSES = 12
LEASE = timedelta(seconds=30)


@pytest.fixture
async def repository(mongodb_uri: str, db_prefix: str) -> AsyncIterator[WhatsAppRepository]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongodb_uri, tz_aware=True)
    try:
        repository = WhatsAppRepository(client[f"{db_prefix}_whatsapp"])
        await repository.ensure_indexes()
        yield repository
    finally:
        await client.close()


async def _due_statuses(repository: WhatsAppRepository, now: datetime) -> set[str]:
    account = AccountRecord(
        id="6b13d7b2d151caa4953791e3",
        owner_id="6b13d7b2d151caa4953791e4",
        phone_number="+447700900123",
        is_business=False,
        business_name=None,
        created_at=now,
    )
    entry = CrossPostRecord(
        platform="FACEBOOK", account_id="6b13d7b2d151caa4953791e5", state=DeliveryState.PENDING
    )
    # A claim that already ran out: what the in-line try leaves when its replica died.
    expired_claim = now - timedelta(seconds=1)
    statuses = [
        await repository.insert_status(account, f"status {n}", [entry], expired_claim)
        for n in range(STATUSES)
    ]
    return {status.id for status in statuses}


async def test_two_replicas_claiming_at_once_split_the_due_statuses(
    repository: WhatsAppRepository,
) -> None:
    now = datetime.now(UTC)
    due = await _due_statuses(repository, now)
    first, second = await asyncio.gather(
        repository.claim_due(now, now + LEASE, STATUSES),
        repository.claim_due(now, now + LEASE, STATUSES),
    )
    first_ids, second_ids = {s.id for s in first}, {s.id for s in second}
    assert len(first_ids) == len(first)
    assert len(second_ids) == len(second)
    assert first_ids.isdisjoint(second_ids)
    assert first_ids | second_ids == due
    assert await repository.claim_due(now, now + LEASE, STATUSES) == []  # all leased


async def test_a_lease_that_ran_out_is_retaken_and_the_first_holder_loses_it(
    repository: WhatsAppRepository,
) -> None:
    now = datetime.now(UTC)
    due = await _due_statuses(repository, now)
    crashed = await repository.claim_due(now, now + LEASE, STATUSES)
    assert {s.id for s in crashed} == due
    later = now + LEASE + timedelta(seconds=1)
    retaken = await repository.claim_due(later, later + LEASE, STATUSES)
    assert {s.id for s in retaken} == due
    done = [
        CrossPostRecord(
            platform="FACEBOOK",
            account_id=entry.account_id,
            state=DeliveryState.DONE,
            story_id="6b13d7b2d151caa4953791e6",
        )
        for entry in crashed[0].cross_posts
    ]
    assert await repository.save_delivery(crashed[0], done, None) is None  # not its lease now
    holder = next(s for s in retaken if s.id == crashed[0].id)
    saved = await repository.save_delivery(holder, done, None)
    assert saved is not None
    assert saved.delivery_due_at is None
    assert saved.cross_posts[0].state is DeliveryState.DONE


async def test_writes_wait_for_a_majority_unless_the_uri_says_otherwise(mongodb_uri: str) -> None:
    assert write_concern_of("mongodb://127.0.0.1:27017/") == "majority"
    assert write_concern_of("mongodb://127.0.0.1:27017/?w=1") == 1
    settings = load_settings("whatsapp", {"MONGODB_URI": mongodb_uri, "INTERNAL_TOKEN": "t"})
    client = create_client(settings)
    try:
        assert client.write_concern.document == {"w": "majority"}
        # FerretDB (and a standalone MongoDB) take a majority write as an acknowledged one.
        collection = client[f"{settings.database_name}_probe"]["writes"]
        assert (await collection.insert_one({"probe": True})).acknowledged
        await client.drop_database(f"{settings.database_name}_probe")
    finally:
        await client.close()
