"""WhatsApp's per-request DataLoaders: accounts by id and by owner, Statuses by id and account."""

from __future__ import annotations

from dataclasses import dataclass

from aiodataloader import DataLoader

from subgraphs.common.keyed_loader import keyed_loader
from subgraphs.whatsapp.records import AccountRecord, StatusRecord
from subgraphs.whatsapp.repository import WhatsAppRepository

__all__ = ["WhatsAppLoaders", "make_loaders"]


@dataclass(frozen=True, slots=True, kw_only=True)
class WhatsAppLoaders:
    account_by_id: DataLoader[str, AccountRecord | None]
    account_by_owner: DataLoader[str, AccountRecord | None]
    status_by_id: DataLoader[str, StatusRecord | None]
    statuses_by_account: DataLoader[str, list[StatusRecord]]


def make_loaders(repository: WhatsAppRepository) -> WhatsAppLoaders:
    no_account: AccountRecord | None = None
    no_status: StatusRecord | None = None
    no_statuses: list[StatusRecord] = []
    return WhatsAppLoaders(
        account_by_id=keyed_loader(repository.accounts_by_ids, no_account),
        account_by_owner=keyed_loader(repository.accounts_by_owners, no_account),
        status_by_id=keyed_loader(repository.live_statuses_by_ids, no_status),
        statuses_by_account=keyed_loader(repository.live_statuses_by_accounts, no_statuses),
    )
