"""The accounts repository's unique indexes, on the real server: the rules hold even in a race.

Two people cannot both obtain a valid proof for one platform account through the API, so the
"one person per platform account" index is exercised here, one layer down.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient

from subgraphs.accounts.records import Platform
from subgraphs.accounts.repository import AccountsRepository

pytestmark = pytest.mark.integration


@pytest.fixture
async def repository(mongodb_uri: str, db_prefix: str) -> AsyncIterator[AccountsRepository]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_uri, tz_aware=True)
    try:
        repo = AccountsRepository(client[f"{db_prefix}_accounts"])
        await repo.ensure_indexes()
        await repo.ensure_indexes()  # idempotent: every replica runs it at start-up
        yield repo
    finally:
        await client.close()


async def test_one_person_per_platform_account(repository: AccountsRepository) -> None:
    now = datetime.now(UTC)
    first, second = ObjectId(), ObjectId()
    assert await repository.insert_link(first, Platform.FACEBOOK, "a" * 24, now)
    assert not await repository.insert_link(second, Platform.FACEBOOK, "a" * 24, now)
    assert await repository.insert_link(second, Platform.INSTAGRAM, "a" * 24, now)
    links = await repository.links_for_people([first, second])
    assert sorted((link.person_id, link.platform.value) for link in links) == sorted(
        [(str(first), "FACEBOOK"), (str(second), "INSTAGRAM")]
    )


async def test_one_link_per_platform_per_person(repository: AccountsRepository) -> None:
    now = datetime.now(UTC)
    person = ObjectId()
    assert await repository.insert_link(person, Platform.WHATSAPP, "b" * 24, now)
    assert not await repository.insert_link(person, Platform.WHATSAPP, "c" * 24, now)
    assert len(await repository.links_for_people([person])) == 1


async def test_signing_key_is_created_once(repository: AccountsRepository) -> None:
    made: list[int] = []

    def make() -> dict[str, object]:
        made.append(1)
        return {"kid": f"k{len(made)}", "privatePem": "pem"}

    first = await repository.signing_key(make)
    second = await repository.signing_key(make)
    assert first["kid"] == second["kid"] == "k1"
