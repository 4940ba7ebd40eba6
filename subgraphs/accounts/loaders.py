"""Per-request DataLoaders, one per key: each batches a request's lookups into one query.

Strawberry calls `resolve_reference` once per representation, so `_entities` with 100 people
becomes 100 `load()` calls and, through `person`, one `find` with `$in`. Loaders are built per
request in `get_context`, so their caches never outlive a request or cross between callers.
Keys are id strings already validated by the caller; an invalid one simply finds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from aiodataloader import DataLoader
from bson import ObjectId

from subgraphs.accounts.backend import AccountsBackend
from subgraphs.accounts.records import (
    CreationRecord,
    LinkRecord,
    PersonRecord,
    Platform,
    StickerRecord,
)

__all__ = ["AccountsLoaders"]

T = TypeVar("T", LinkRecord, StickerRecord, CreationRecord)


def _object_ids(keys: Sequence[str]) -> list[ObjectId]:
    return [ObjectId(key) for key in keys if ObjectId.is_valid(key)]


def _grouped(
    fetch: Callable[[list[ObjectId]], Awaitable[list[T]]],
) -> DataLoader[str, list[T]]:
    async def batch(keys: list[str]) -> list[list[T]]:
        groups: dict[str, list[T]] = defaultdict(list)
        for record in await fetch(_object_ids(keys)):
            groups[record.person_id].append(record)
        return [groups.get(key, []) for key in keys]

    return DataLoader(batch_load_fn=batch)


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountsLoaders:
    person: DataLoader[str, PersonRecord | None]
    links: DataLoader[str, list[LinkRecord]]
    stickers: DataLoader[str, list[StickerRecord]]
    creations: DataLoader[str, list[CreationRecord]]
    link_by_account: DataLoader[tuple[Platform, str], LinkRecord | None]

    @classmethod
    def create(cls, backend: AccountsBackend) -> AccountsLoaders:
        repository = backend.repository

        async def people(keys: list[str]) -> list[PersonRecord | None]:
            found = {p.id: p for p in await repository.people_by_ids(_object_ids(keys))}
            return [found.get(key) for key in keys]

        async def links_of_accounts(keys: list[tuple[Platform, str]]) -> list[LinkRecord | None]:
            links = await repository.links_of_accounts(keys)
            found = {(link.platform, link.account_id): link for link in links}
            return [found.get(key) for key in keys]

        return cls(
            person=DataLoader(batch_load_fn=people),
            link_by_account=DataLoader(batch_load_fn=links_of_accounts),
            links=_grouped(repository.links_for_people),
            stickers=_grouped(repository.stickers_for_people),
            creations=_grouped(repository.creations_for_people),
        )
