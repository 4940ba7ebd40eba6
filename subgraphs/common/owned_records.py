"""The part every platform record shares: its id, the person who owns it, when it was made.

WhatsApp's accounts and Statuses and the story platforms' profiles and Stories all start with
these three, stored as `_id`, `ownerId` and `createdAt`; each record type extends `OwnedRecord`
and each repository reads that part of a document with `owned_parts`, so neither is written
once per record type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from subgraphs.common.database import Document

__all__ = ["OwnedParts", "OwnedRecord", "owned_parts"]


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnedRecord:
    id: str
    owner_id: str
    created_at: datetime


class OwnedParts(TypedDict):
    """`OwnedRecord`'s fields as keyword arguments: `Record(**owned_parts(document), ...)`."""

    id: str
    owner_id: str
    created_at: datetime


def owned_parts(document: Document) -> OwnedParts:
    """The `OwnedRecord` fields of a stored document."""
    return {
        "id": str(document["_id"]),
        "owner_id": document["ownerId"],
        "created_at": document["createdAt"],
    }
