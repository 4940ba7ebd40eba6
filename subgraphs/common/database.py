"""The one way a subgraph opens MongoDB: pymongo's native async client (motor is deprecated).

Each subgraph owns the database `<MONGODB_DB>_<name>` and touches no other. Only a subgraph's
`repository.py` uses the handle this returns; everything above it goes through the repository.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import CommandListener

from subgraphs.common.settings import Settings

__all__ = ["Document", "MongoClient", "MongoDatabase", "create_client", "database_for"]

Document = dict[str, Any]
MongoClient = AsyncMongoClient[Document]
MongoDatabase = AsyncDatabase[Document]

SERVER_SELECTION_TIMEOUT_MS = 5000


def create_client(settings: Settings, *, listeners: Sequence[CommandListener] = ()) -> MongoClient:
    """A pooled client for `settings.mongodb_uri`; `listeners` see every command (monitoring)."""
    return AsyncMongoClient(
        settings.mongodb_uri,
        serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS,
        tz_aware=True,
        appname=f"subgraph-{settings.name}",
        event_listeners=list(listeners),
    )


def database_for(client: MongoClient, settings: Settings) -> MongoDatabase:
    """The subgraph's own database."""
    return client[settings.database_name]
