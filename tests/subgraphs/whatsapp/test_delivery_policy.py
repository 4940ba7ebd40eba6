"""Backoff and scheduling rules of cross-post delivery (pure functions, no sockets)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from subgraphs.common.settings import SettingsError
from subgraphs.whatsapp.delivery import DeliveryPolicy, next_due
from subgraphs.whatsapp.records import CrossPostRecord, DeliveryState


def entry(state: DeliveryState, next_attempt_at: datetime | None = None) -> CrossPostRecord:
    return CrossPostRecord(
        platform="FACEBOOK", account_id="a" * 24, state=state, next_attempt_at=next_attempt_at
    )


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = DeliveryPolicy(retry_base=0.5, retry_cap=4.0)
    delays = [policy.delay(attempts).total_seconds() for attempts in range(1, 7)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert policy.delay(10_000) == timedelta(seconds=4)


def test_policy_reads_its_environment() -> None:
    policy = DeliveryPolicy.from_env(
        {
            "CROSSPOST_RETRY_MAX_SECONDS": "2",
            "CROSSPOST_POLL_SECONDS": "0.25",
            "CROSSPOST_BATCH_SIZE": "50",
        }
    )
    assert (policy.retry_cap, policy.poll_interval, policy.batch_size) == (2.0, 0.25, 50)
    assert DeliveryPolicy.from_env({}) == DeliveryPolicy()


@pytest.mark.parametrize(
    ("variable", "raw"),
    [
        ("CROSSPOST_POLL_SECONDS", "0"),
        ("CROSSPOST_POLL_SECONDS", "soon"),
        ("CROSSPOST_BATCH_SIZE", "2.5"),
        ("CROSSPOST_BATCH_SIZE", "0"),
        ("CROSSPOST_RETRY_MAX_SECONDS", "-1"),
    ],
)
def test_a_bad_outbox_setting_is_refused_by_name(variable: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        DeliveryPolicy.from_env({variable: raw})


def test_next_due_is_the_earliest_pending_retry() -> None:
    soon = datetime.now(UTC) + timedelta(seconds=5)
    later = soon + timedelta(seconds=60)
    entries = [
        entry(DeliveryState.PENDING, later),
        entry(DeliveryState.PENDING, soon),
        entry(DeliveryState.DONE),
    ]
    assert next_due(entries) == soon


def test_nothing_is_due_once_no_entry_is_pending() -> None:
    settled = [entry(state) for state in DeliveryState if state is not DeliveryState.PENDING]
    assert next_due(settled) is None
    assert next_due([]) is None
