"""The background loop that finishes cross-posts the `postStatus` mutation could not.

Every replica runs one. Each tick it claims Statuses whose delivery is due (a numbered lease per
Status, taken by a unique insert, so replicas share the work without a lock service), asks
Accounts Center which targets are still allowed, attempts the pending entries and stores the
outcome, then tells the owner's `crossPostSettled` streams of each entry it settled. Expired
Statuses (and spent leases) are purged now and then for servers without TTL indexes. Errors are
logged and the loop goes on: a database or network hiccup must never stop delivery for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta

import aiohttp

from subgraphs.common.events import EventBus
from subgraphs.common.internal import InternalCallError
from subgraphs.common.settings import Settings
from subgraphs.whatsapp.delivery import DeliveryPolicy, allowed_targets, deliver_status, next_due
from subgraphs.whatsapp.events import announce_settled
from subgraphs.whatsapp.records import StatusRecord
from subgraphs.whatsapp.repository import WhatsAppRepository

__all__ = ["DeliveryWorker"]

logger = logging.getLogger("subgraphs.whatsapp.worker")

ACCOUNTS_DOWN_RETRY = timedelta(seconds=2)


class DeliveryWorker:
    """Retries PENDING cross-posts until their target answers."""

    def __init__(
        self,
        repository: WhatsAppRepository,
        http: aiohttp.ClientSession,
        settings: Settings,
        policy: DeliveryPolicy,
        events: EventBus,
    ) -> None:
        self._repository = repository
        self._events = events
        self._http = http
        self._settings = settings
        self._policy = policy
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="crosspost-delivery")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        last_purge = float("-inf")
        while True:
            try:
                if time.monotonic() - last_purge >= self._policy.purge_interval:
                    last_purge = time.monotonic()
                    await self._repository.purge_expired()
                await self.run_once()
            except Exception:
                logger.exception("cross-post delivery tick failed; retrying")
            await asyncio.sleep(self._policy.poll_interval)

    async def run_once(self) -> int:
        """Claim and attempt every due Status once; how many were claimed."""
        now = datetime.now(UTC)
        claimed = await self._repository.claim_due(
            now, now + timedelta(seconds=self._policy.claim_seconds), self._policy.batch_size
        )
        await asyncio.gather(*(self._attempt(status) for status in claimed))
        return len(claimed)

    async def _attempt(self, status: StatusRecord) -> None:
        try:
            allowed = await allowed_targets(self._http, self._settings, status.owner_id)
        except InternalCallError as exc:
            logger.warning("cannot check cross-post targets for %s: %s", status.id, exc)
            retry_at = datetime.now(UTC) + ACCOUNTS_DOWN_RETRY
            await self._repository.save_delivery(status, status.cross_posts, retry_at)
            return
        entries = await deliver_status(self._http, self._settings, status, self._policy, allowed)
        saved = await self._repository.save_delivery(status, entries, next_due(entries))
        await announce_settled(self._events, status.cross_posts, saved)
