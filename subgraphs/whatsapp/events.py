"""WhatsApp's subscription events, on the process's shared `EventBus` (`subgraphs.common.events`).

- `STATUS_POSTED` (`"<owner id> <status id>"`): a Status was posted, once its in-line cross-post
  try is over, so the event shows where it was shared.
- `CROSS_POST_SETTLED` (`"<owner id> <status id> <platform>"`): one of a Status's cross-posts
  reached a final state (DONE with its Story, FAILED or CANCELLED), whether in the `postStatus`
  mutation's own try or later by the outbox worker; told once, by whoever stored the change.

Both are addressed to the Status's `audience` (its owner alone), and streams read the Status
afresh and check it again with the query rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from subgraphs.common.events import EventBus
from subgraphs.common.ownership import audience
from subgraphs.whatsapp.records import CrossPostRecord, DeliveryState, StatusRecord

__all__ = [
    "CHANNELS",
    "CROSS_POST_SETTLED",
    "STATUS_POSTED",
    "announce_posted",
    "announce_settled",
    "newly_settled",
]

STATUS_POSTED = "accounts-center:whatsapp:status-posted"
CROSS_POST_SETTLED = "accounts-center:whatsapp:cross-post-settled"
CHANNELS = (STATUS_POSTED, CROSS_POST_SETTLED)


async def announce_posted(events: EventBus, status: StatusRecord) -> None:
    await events.publish(STATUS_POSTED, audience(status), status.id)


def newly_settled(
    before: Sequence[CrossPostRecord], after: Sequence[CrossPostRecord]
) -> list[CrossPostRecord]:
    """The entries of `after` that were PENDING in `before` and are final now."""
    pending = {entry.platform for entry in before if entry.state is DeliveryState.PENDING}
    return [
        entry
        for entry in after
        if entry.platform in pending and entry.state is not DeliveryState.PENDING
    ]


async def announce_settled(
    events: EventBus, before: Sequence[CrossPostRecord], saved: StatusRecord | None
) -> None:
    """Tell the owner of each cross-post `saved` settled (nothing when the save lost a race:
    the replica that won tells)."""
    if saved is None:
        return
    for entry in newly_settled(before, saved.cross_posts):
        await events.publish(CROSS_POST_SETTLED, audience(saved), f"{saved.id} {entry.platform}")
