"""What a subgraph's resolvers see: the process-wide services and one request's context.

`Services` is built once by the app's lifespan (database client, repository, HTTP session, token
verifier, event bus). `RequestContext` is built per GraphQL request in `get_context`, with fresh
DataLoaders so that batching and caching never leak between requests or callers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Generic, Protocol, TypeVar

import aiohttp
import redis.asyncio as aioredis
from aiodataloader import DataLoader
from starlette.requests import HTTPConnection

from subgraphs.common.auth import RequestAuth, TokenVerifier, require_viewer
from subgraphs.common.database import MongoClient
from subgraphs.common.events import EventBus
from subgraphs.common.monitoring import CommandCounter
from subgraphs.common.settings import Settings

__all__ = [
    "Repository",
    "RequestContext",
    "Services",
    "caller_events",
    "events_for",
    "forget_cached",
]


class Repository(Protocol):
    """The only object that talks to the database; it creates its indexes at start-up."""

    async def ensure_indexes(self) -> None: ...


R = TypeVar("R", bound=Repository)
L = TypeVar("L")


@dataclass(frozen=True, slots=True, kw_only=True)
class Services(Generic[R]):
    """Process-wide objects, owned by the app's lifespan."""

    settings: Settings
    client: MongoClient
    repository: R
    http: aiohttp.ClientSession
    verifier: TokenVerifier
    commands: CommandCounter
    redis: aioredis.Redis | None = None
    """Shared state and pushed revocations, when `REDIS_URL` is set."""
    events: EventBus
    """Subscription events, across replicas over Redis when it is set (`events.py`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestContext(Generic[R, L]):
    """One GraphQL request (or one subscription's WebSocket): the caller and its loaders."""

    request: HTTPConnection
    services: Services[R]
    auth: RequestAuth
    loaders: L

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def repository(self) -> R:
        return self.services.repository


def forget_cached(loaders: object) -> None:
    """Empty every DataLoader's cache in `loaders` (a dataclass of them).

    A subscription's context lives as long as its WebSocket, so its loaders would answer each
    event's nested fields (a person's links, a Status's account) from the first event's reads.
    Subscription resolvers call this before each event: every event is resolved like a new
    request, from the data as it is now.
    """
    if not is_dataclass(loaders):
        return
    for field in fields(loaders):
        loader = getattr(loaders, field.name)
        if isinstance(loader, DataLoader):
            loader.clear_all()


async def events_for(
    context: RequestContext[Any, Any], channel: str, recipient: str
) -> AsyncIterator[str]:
    """`recipient`'s event payloads on `channel`, each with the context's loaders emptied first
    (`forget_cached`): what a subscription resolver reads per event."""
    async for payload in context.services.events.stream(channel, recipient):
        forget_cached(context.loaders)
        yield payload


async def caller_events(context: RequestContext[Any, Any], channel: str) -> AsyncIterator[str]:
    """The caller's own payloads on `channel` (`events_for` them), UNAUTHENTICATED without a
    token: what a subscription to one's own records streams."""
    viewer = await require_viewer(context)
    async for payload in events_for(context, channel, viewer.person_id):
        yield payload
