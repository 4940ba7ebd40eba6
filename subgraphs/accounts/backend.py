"""The accounts subgraph's process-wide state: its repository and the shared signing key.

This is the object the common app factory builds at start-up (its "repository" slot). Loading
the signing key is part of start-up, so `/health` turns green only once tokens can be signed.
"""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.accounts.repository import AccountsRepository
from subgraphs.accounts.tokens import KeyStore
from subgraphs.common.database import MongoDatabase

__all__ = ["AccountsBackend"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountsBackend:
    repository: AccountsRepository
    keys: KeyStore

    @classmethod
    def create(cls, database: MongoDatabase) -> AccountsBackend:
        repository = AccountsRepository(database)
        return cls(repository=repository, keys=KeyStore(repository))

    async def ensure_indexes(self) -> None:
        await self.repository.ensure_indexes()
        await self.keys.current()
