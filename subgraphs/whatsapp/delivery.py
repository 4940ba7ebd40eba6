"""Delivering cross-posts to Facebook and Instagram, at once and again later until they land.

One attempt posts the Status to the target's `POST /internal/stories`, which is idempotent on
(originPlatform, originId), so repeating an attempt after a timeout can never write a second
Story. The answer decides the entry's next state:

- 2xx with a Story id: DONE.
- 400/404/409/422: FAILED; the target refused this Story for good (e.g. the profile is gone).
- anything else (unreachable, timeout, 5xx, 401 from a misconfigured token): still PENDING, with
  exponential backoff up to `retry_cap` seconds.

Before the worker retries, it asks Accounts Center again which targets are allowed: an entry
whose link or route was removed meanwhile is CANCELLED, because unlinking stops sharing at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import aiohttp
import orjson

from subgraphs.common.internal import INTERNAL_TOKEN_HEADER, InternalCallError, call_internal
from subgraphs.common.settings import CrossPostOutbox, Settings, crosspost_outbox
from subgraphs.whatsapp.records import CrossPostRecord, DeliveryState, StatusRecord

__all__ = [
    "INLINE_ATTEMPT_TIMEOUT",
    "DeliveryPolicy",
    "allowed_targets",
    "deliver_status",
    "next_due",
]

FINAL_REFUSALS = frozenset({400, 404, 409, 422})
ATTEMPT_TIMEOUT = aiohttp.ClientTimeout(total=5)
INLINE_ATTEMPT_TIMEOUT = aiohttp.ClientTimeout(total=0.5)
"""The `postStatus` mutation's own try: a healthy target answers in milliseconds, and a hung one
must not hold the person's post (it once took 5-6.6 s); the outbox worker retries with the
full `ATTEMPT_TIMEOUT`, and the target's idempotency makes a late first write harmless."""
TARGET_SERVICES: Mapping[str, str] = {"FACEBOOK": "facebook", "INSTAGRAM": "instagram"}
MAX_ERROR_LENGTH = 300
_OUTBOX = CrossPostOutbox()


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryPolicy:
    """How often to retry, how long a claim lasts, how much one tick claims (read once from
    the environment)."""

    retry_base: float = 0.5
    retry_cap: float = _OUTBOX.retry_max_seconds
    poll_interval: float = _OUTBOX.poll_seconds
    claim_seconds: float = 30.0
    batch_size: int = _OUTBOX.batch_size
    purge_interval: float = 60.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DeliveryPolicy:
        """The `CROSSPOST_*` settings (declared in `subgraphs.common.settings`) over the
        defaults."""
        return cls.of(crosspost_outbox(environ))

    @classmethod
    def of(cls, outbox: CrossPostOutbox) -> DeliveryPolicy:
        """The policy with a subgraph's `Settings.crosspost`."""
        return cls(
            retry_cap=outbox.retry_max_seconds,
            poll_interval=outbox.poll_seconds,
            batch_size=outbox.batch_size,
        )

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt."""
        exponent = min(max(attempts - 1, 0), 30)
        return timedelta(seconds=min(self.retry_cap, self.retry_base * 2**exponent))


async def allowed_targets(
    http: aiohttp.ClientSession, settings: Settings, person_id: str
) -> dict[str, str]:
    """`{platform: target account id}` for routes Accounts Center allows now.

    Raises InternalCallError when Accounts Center cannot answer.
    """
    answer = await call_internal(
        http,
        settings.accounts_url,
        "/internal/crosspost-targets",
        {"personId": person_id},
        settings.internal_token,
    )
    targets = answer.get("targets")
    if not isinstance(targets, list):
        raise InternalCallError("crosspost-targets answered without a 'targets' list")
    allowed: dict[str, str] = {}
    for target in targets:
        if isinstance(target, dict) and target.get("platform") in TARGET_SERVICES:
            allowed[str(target["platform"])] = str(target.get("accountId"))
    return allowed


async def _post_story(
    http: aiohttp.ClientSession,
    settings: Settings,
    status: StatusRecord,
    entry: CrossPostRecord,
    per_attempt: aiohttp.ClientTimeout,
) -> tuple[int, dict[str, object]]:
    url = f"{settings.service_url(TARGET_SERVICES[entry.platform])}/internal/stories"
    payload = {
        "originPlatform": "WHATSAPP",
        "originId": status.id,
        "accountId": entry.account_id,
        "caption": status.text,
    }
    async with http.post(
        url,
        data=orjson.dumps(payload),
        headers={
            INTERNAL_TOKEN_HEADER: settings.internal_token,
            "Content-Type": "application/json",
        },
        timeout=per_attempt,
    ) as response:
        body = await response.read()
        status_code = response.status
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        parsed = {}
    return status_code, parsed if isinstance(parsed, dict) else {}


async def deliver_one(
    http: aiohttp.ClientSession,
    settings: Settings,
    status: StatusRecord,
    entry: CrossPostRecord,
    policy: DeliveryPolicy,
    per_attempt: aiohttp.ClientTimeout = ATTEMPT_TIMEOUT,
) -> CrossPostRecord:
    """One attempt for one PENDING entry; the entry as it stands afterwards."""
    now = datetime.now(UTC)
    attempts = entry.attempts + 1
    try:
        code, body = await _post_story(http, settings, status, entry, per_attempt)
    except (aiohttp.ClientError, TimeoutError) as exc:
        error = f"{entry.platform.lower()} unreachable: {type(exc).__name__}"
        return _retry(entry, attempts, error, now, policy)
    story_id = body.get("id")
    if code // 100 == 2 and isinstance(story_id, str):
        return replace(
            entry,
            state=DeliveryState.DONE,
            story_id=story_id,
            attempts=attempts,
            last_error=None,
            updated_at=now,
            next_attempt_at=None,
        )
    error = f"{entry.platform.lower()} answered {code}: {body.get('error', '')}"[:MAX_ERROR_LENGTH]
    if code in FINAL_REFUSALS:
        return replace(
            entry,
            state=DeliveryState.FAILED,
            attempts=attempts,
            last_error=error,
            updated_at=now,
            next_attempt_at=None,
        )
    return _retry(entry, attempts, error, now, policy)


def _retry(
    entry: CrossPostRecord, attempts: int, error: str, now: datetime, policy: DeliveryPolicy
) -> CrossPostRecord:
    return replace(
        entry,
        attempts=attempts,
        last_error=error,
        updated_at=now,
        next_attempt_at=now + policy.delay(attempts),
    )


def _cancelled(entry: CrossPostRecord, allowed: Mapping[str, str] | None) -> bool:
    return allowed is not None and allowed.get(entry.platform) != entry.account_id


async def deliver_status(
    http: aiohttp.ClientSession,
    settings: Settings,
    status: StatusRecord,
    policy: DeliveryPolicy,
    allowed: Mapping[str, str] | None,
    *,
    per_attempt: aiohttp.ClientTimeout = ATTEMPT_TIMEOUT,
) -> list[CrossPostRecord]:
    """Attempt every PENDING entry that is due, concurrently; the other entries stay as they are.

    With `allowed` (from `allowed_targets`), entries no longer allowed are CANCELLED instead.
    `per_attempt` bounds each attempt: the worker's default, or the mutation's much shorter one.
    """
    now = datetime.now(UTC)

    async def settle(entry: CrossPostRecord) -> CrossPostRecord:
        if entry.state is not DeliveryState.PENDING:
            return entry
        if _cancelled(entry, allowed):
            return replace(
                entry,
                state=DeliveryState.CANCELLED,
                last_error="the link or the sharing route was removed",
                updated_at=now,
                next_attempt_at=None,
            )
        if entry.next_attempt_at is not None and entry.next_attempt_at > now:
            return entry
        return await deliver_one(http, settings, status, entry, policy, per_attempt)

    return list(await asyncio.gather(*(settle(entry) for entry in status.cross_posts)))


def next_due(entries: Sequence[CrossPostRecord]) -> datetime | None:
    """When the Status needs the worker again: its earliest pending retry, or never."""
    pending = [
        entry.next_attempt_at or datetime.now(UTC)
        for entry in entries
        if entry.state is DeliveryState.PENDING
    ]
    return min(pending, default=None)
