"""WhatsApp's per-request DataLoaders: the platform loaders over accounts and Statuses.

An account is this platform's profile and a Status its post: `profile_by_id` loads an account,
`posts_by_profile` an account's live Statuses.
"""

from __future__ import annotations

from subgraphs.common.platform_loaders import PlatformLoaders
from subgraphs.whatsapp.records import AccountRecord, StatusRecord
from subgraphs.whatsapp.repository import WhatsAppRepository

__all__ = ["WhatsAppLoaders", "make_loaders"]

WhatsAppLoaders = PlatformLoaders[AccountRecord, StatusRecord]


def make_loaders(repository: WhatsAppRepository) -> WhatsAppLoaders:
    return PlatformLoaders.build(repository.accounts, repository.statuses)
