"""Work for whatsapp's cross-post outbox, and how to tell what it did, from outside the processes.

A whatsapp replica that dies after inserting a Status, before its in-line delivery, leaves that
Status PENDING and due, with no lease: the other replicas' workers must finish it. The cluster
test (exactly once with two replicas) and the outbox benchmark (how fast) both make that state
by copying one real cross-posted Status, then read the outcome from the database and from
nginx's access log (every subgraph-to-subgraph call passes nginx in `make cluster`). They share
this module so that both count the same thing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bson import ObjectId
from pymongo import MongoClient

__all__ = [
    "ACCESS_LOG_FLUSH_SECONDS",
    "Settlement",
    "insert_due_copies",
    "settlement",
    "stories_per_origin",
    "story_requests",
]

ACCESS_LOG_FLUSH_SECONDS = 1.5
"""nginx writes its access log buffer every second (`devstack/nginx.py`): wait this long before
reading it, so every request made so far is in it."""


def _client(uri: str) -> MongoClient[dict[str, Any]]:
    return MongoClient(uri, tz_aware=True)


def insert_due_copies(uri: str, db_prefix: str, status_id: str, count: int) -> list[ObjectId]:
    """`count` copies of Status `status_id`, every cross-post PENDING again and due now, no lease
    taken, inserted in one write; their ids."""
    client = _client(uri)
    try:
        statuses = client[f"{db_prefix}_whatsapp"]["statuses"]
        original = statuses.find_one({"_id": ObjectId(status_id)})
        if original is None:
            raise LookupError(f"no Status {status_id} to copy")
        pending = [
            {**entry, "state": "PENDING", "storyId": None, "attempts": 0, "nextAttemptAt": None}
            for entry in original["crossPosts"]
        ]
        due = datetime.now(UTC) - timedelta(seconds=1)
        copies = [
            {**original, "_id": ObjectId(), "crossPosts": pending, "deliveryDueAt": due}
            for _ in range(count)
        ]
        for copy in copies:
            copy.pop("lease", None)
        statuses.insert_many(copies)
        return [copy["_id"] for copy in copies]
    finally:
        client.close()


@dataclass(frozen=True, slots=True, kw_only=True)
class Settlement:
    """Where the cross-posts of some Statuses stand, as stored."""

    entries: int
    done: int
    pending: int
    attempts: int
    """Delivery attempts the entries record, over all of them: each is made and stored by the
    worker holding the Status's lease, so requests a target saw beyond this were made by a
    worker whose claim was not the Status's lease (a double delivery)."""
    last_update: datetime | None
    """The latest `updatedAt` of a settled entry: when the worker stored its last outcome."""

    @property
    def all_done(self) -> bool:
        return self.entries > 0 and self.done == self.entries


def settlement(uri: str, db_prefix: str, ids: Sequence[ObjectId]) -> Settlement:
    client = _client(uri)
    try:
        statuses = client[f"{db_prefix}_whatsapp"]["statuses"]
        entries = [
            entry
            for document in statuses.find({"_id": {"$in": list(ids)}}, {"crossPosts": 1})
            for entry in document["crossPosts"]
        ]
    finally:
        client.close()
    settled = [entry["updatedAt"] for entry in entries if entry["state"] != "PENDING"]
    return Settlement(
        entries=len(entries),
        done=sum(1 for entry in entries if entry["state"] == "DONE"),
        pending=sum(1 for entry in entries if entry["state"] == "PENDING"),
        attempts=sum(int(entry.get("attempts", 0)) for entry in entries),
        last_update=max((moment for moment in settled if moment is not None), default=None),
    )


def stories_per_origin(
    uri: str, db_prefix: str, platform: str, ids: Sequence[ObjectId]
) -> dict[str, int]:
    """Stories on `platform` ("facebook", "instagram") per origin Status id (absent: none)."""
    client = _client(uri)
    try:
        stories = client[f"{db_prefix}_{platform}"]["stories"]
        origins = [str(i) for i in ids]
        counts: dict[str, int] = {}
        for story in stories.find({"originId": {"$in": origins}}, {"originId": 1}):
            counts[story["originId"]] = counts.get(story["originId"], 0) + 1
        return counts
    finally:
        client.close()


def story_requests(access_log: Path, front_url: str) -> int:
    """`POST /internal/stories` requests nginx passed on at `front_url` (a subgraph's front) so
    far; waits for nginx's log flush first."""
    port = f":{front_url.rsplit(':', 1)[1]} "
    time.sleep(ACCESS_LOG_FLUSH_SECONDS)
    if not access_log.is_file():
        return 0
    lines = access_log.read_text().splitlines()
    return sum(1 for line in lines if port in line and "POST /internal/stories" in line)
