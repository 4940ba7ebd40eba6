"""The one way a subgraph opens MongoDB: pymongo's native async client (motor is deprecated).

Each subgraph owns the database `<MONGODB_DB>_<name>` and touches no other. Only a subgraph's
`repository.py` uses the handle this returns; everything above it goes through the repository.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pymongo
from pymongo import AsyncMongoClient, uri_parser
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, ExecutionTimeout, PyMongoError, WTimeoutError
from pymongo.monitoring import CommandListener

from subgraphs.common.settings import Settings

__all__ = [
    "Document",
    "MongoClient",
    "MongoCollection",
    "MongoDatabase",
    "create_client",
    "database_answers",
    "database_for",
    "is_database_outage",
    "write_concern_of",
]

MAJORITY = "majority"
Document = dict[str, Any]
MongoClient = AsyncMongoClient[Document]
MongoDatabase = AsyncDatabase[Document]
MongoCollection = AsyncCollection[Document]


def create_client(settings: Settings, *, listeners: Sequence[CommandListener] = ()) -> MongoClient:
    """A pooled client for `settings.mongodb_uri`; `listeners` see every command (monitoring).

    The timeouts (`settings.database_timeouts`) win over the same options in the URI. Writes
    are acknowledged by a majority of the replica set (`w: "majority"`) unless the URI says
    otherwise (`?w=1`): a write a primary acknowledged alone can be rolled back when it fails
    over, and an outbox entry or a claim that is rolled back is a cross-post lost or sent
    twice. A standalone server and FerretDB take `majority` as an ordinary acknowledged write.
    """
    timeouts = settings.database_timeouts
    return AsyncMongoClient(
        settings.mongodb_uri,
        w=write_concern_of(settings.mongodb_uri),
        connectTimeoutMS=timeouts.connect_ms,
        socketTimeoutMS=timeouts.socket_ms,
        serverSelectionTimeoutMS=timeouts.server_selection_ms,
        tz_aware=True,
        appname=f"subgraph-{settings.name}",
        event_listeners=list(listeners),
    )


def write_concern_of(uri: str) -> int | str:
    """`w` as the URI sets it, otherwise "majority"."""
    chosen: int | str = uri_parser.parse_uri(uri).get("options", {}).get("w", MAJORITY)
    return chosen


def database_for(client: MongoClient, settings: Settings) -> MongoDatabase:
    """The subgraph's own database."""
    return client[settings.database_name]


def is_database_outage(error: BaseException) -> bool:
    """Whether `error` means the database is unreachable or too slow, not that a query is wrong.

    Such errors are the client's to retry (SERVICE_UNAVAILABLE), never its fault.
    """
    if isinstance(error, ConnectionFailure | ExecutionTimeout | WTimeoutError):
        return True
    return isinstance(error, PyMongoError) and error.timeout


async def database_answers(client: MongoClient, seconds: float) -> bool:
    """True when the database answers `ping` within `seconds` (for health checks).

    Bounded twice: pymongo's own operation timeout makes the driver give up cleanly, and the
    asyncio timeout makes sure nothing (a pool checkout, a stalled handshake) waits longer.
    """
    try:
        async with asyncio.timeout(seconds):
            with pymongo.timeout(seconds * 0.9):
                await client.admin.command("ping")
    except (PyMongoError, TimeoutError):
        return False
    return True
