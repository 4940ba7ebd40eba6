"""WhatsApp's Starlette app: the common subgraph app, link-proof verification, the event
channels of its subscriptions (`events.py`) and the cross-post delivery worker, run inside the
app's lifespan (started after the database, HTTP session, Redis and event bus are up, stopped
before they close)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from starlette.applications import Starlette

from subgraphs.common.app import SubgraphSpec, create_app
from subgraphs.common.link_proofs import verify_route
from subgraphs.common.settings import Settings
from subgraphs.whatsapp.delivery import DeliveryPolicy
from subgraphs.whatsapp.events import CHANNELS
from subgraphs.whatsapp.loaders import make_loaders
from subgraphs.whatsapp.repository import make_repository
from subgraphs.whatsapp.schema import schema
from subgraphs.whatsapp.worker import DeliveryWorker

__all__ = ["build_app"]

Lifespan = Callable[[Starlette], AbstractAsyncContextManager[Any]]


def _with_worker(inner: Lifespan, settings: Settings) -> Lifespan:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with inner(app):
            services = app.state.services
            worker = DeliveryWorker(
                services.repository,
                services.http,
                settings,
                DeliveryPolicy.of(settings.crosspost),
                services.events,
            )
            worker.start()
            try:
                yield
            finally:
                await worker.stop()

    return lifespan


def build_app(settings: Settings) -> Starlette:
    """The ASGI app `python -m subgraphs.whatsapp` serves."""
    app = create_app(
        SubgraphSpec(
            settings=settings,
            schema=schema,
            make_repository=make_repository,
            make_loaders=make_loaders,
            routes=(verify_route(),),
            event_channels=CHANNELS,
        )
    )
    app.router.lifespan_context = _with_worker(app.router.lifespan_context, settings)
    return app
