"""The accounts subgraph's process-wide state: its repository, the shared signing key and the
sign-in throttle.

This is the object the common app factory builds at start-up (its "repository" slot). Loading
the signing key is part of start-up, so `/health` turns green only once tokens can be signed.
The throttle counts in Redis when `REDIS_URL` is set (so every replica sees every attempt),
else in this process's memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.stores import open_store
from subgraphs.accounts.image_files import ImageFiles
from subgraphs.accounts.partner_repository import PartnerRepository
from subgraphs.accounts.repository import AccountsRepository
from subgraphs.accounts.throttle import SignInThrottle
from subgraphs.accounts.tokens import KeyStore
from subgraphs.common.database import MongoDatabase
from subgraphs.common.settings import Settings

__all__ = ["THROTTLE_PREFIX", "AccountsBackend"]

THROTTLE_PREFIX = "accounts-center:sign-in:"


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountsBackend:
    repository: AccountsRepository
    keys: KeyStore
    throttle: SignInThrottle
    avatar_files: ImageFiles
    source_photos: ImageFiles
    partners: PartnerRepository

    @classmethod
    def create(cls, database: MongoDatabase, settings: Settings) -> AccountsBackend:
        repository = AccountsRepository(database)
        store = open_store(settings.redis_url, THROTTLE_PREFIX)
        return cls(
            repository=repository,
            keys=KeyStore(repository, settings.signing_key_file),
            throttle=SignInThrottle(store, settings.sign_in),
            avatar_files=ImageFiles(database, "avatars"),
            source_photos=ImageFiles(database, "imagine_sources", private=True),
            partners=PartnerRepository(database),
        )

    async def ensure_indexes(self) -> None:
        await self.repository.ensure_indexes()
        await self.partners.ensure_indexes()
        await self.keys.current()
