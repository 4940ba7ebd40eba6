"""Builds a subgraph's Starlette app, so every subgraph starts, serves and stops the same way.

The lifespan opens the database client (with a command counter attached), lets the repository
create its indexes, opens one pooled aiohttp session for calls to other subgraphs, and builds the
token verifier; it closes them all on shutdown. `GET /health` (liveness) is 200 once that is
done, whatever the database does, so an orchestrator never restarts a subgraph for a database
outage; `GET /ready` (readiness) is 200 only while the database also answers `ping`. `/graphql`
is Strawberry's ASGI view with orjson encoding and a per-request context (fresh loaders, lazily
verified caller); the same path takes WebSocket subscriptions (graphql-transport-ws), whose
caller is the upgrade request's `Authorization`. `GET /internal/debug/commands` reports
database command counts to tests that hold the internal token. `GET /metrics` is Prometheus'
view of the GraphQL requests, and with an OTLP endpoint set the requests and their database
commands are traced (`telemetry.py`). A response that is nothing but an outage (every error
SERVICE_UNAVAILABLE, no data) is sent as 503 with `Retry-After`, and one that is nothing but
RATE_LIMITED as 429 with the longest `retryAfter`.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from time import perf_counter
from typing import Any, Generic, TypeVar, cast

import aiohttp
import orjson
import pymongo
import redis.asyncio as aioredis
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.federation import Schema
from strawberry.http import GraphQLHTTPResponse

from gateway.jwks import JwksCache
from subgraphs.common.auth import (
    IntrospectionRevocationCheck,
    KeySource,
    RequestAuth,
    RevocationCheck,
    TokenVerifier,
)
from subgraphs.common.context import Repository, RequestContext, Services
from subgraphs.common.database import (
    MongoDatabase,
    create_client,
    database_answers,
    database_for,
)
from subgraphs.common.errors import RETRY_HEADERS, whole_outage, whole_rate_limit
from subgraphs.common.events import EventBus
from subgraphs.common.internal import internal_route, services_of
from subgraphs.common.monitoring import CommandCounter
from subgraphs.common.responses import OrjsonResponse
from subgraphs.common.revocations import PushedRevocations
from subgraphs.common.settings import Settings
from subgraphs.common.telemetry import SubgraphMetrics, SubgraphTelemetry, request_outcome

__all__ = ["SubgraphSpec", "create_app", "introspected_revocations", "jwks_keys"]

R = TypeVar("R", bound=Repository)
L = TypeVar("L")

KeysFactory = Callable[[Settings, aiohttp.ClientSession, R], KeySource]
RevocationFactory = Callable[[Settings, aiohttp.ClientSession, R], RevocationCheck]

_ANSWERED_ERRORS: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "subgraph_answered_errors", default=False
)
"""Whether the answer being sent holds GraphQL errors: `create_response` sets it in the task of
`__call__`, which reads it for the metrics (Strawberry gives the view no per-request state)."""

HEALTH_SECONDS = 0.8
"""`GET /ready` answers within a second whatever the database does (probes time out at 1 s)."""


def jwks_keys(settings: Settings, http: aiohttp.ClientSession, _: object) -> KeySource:
    """Keys from accounts' JWKS."""
    return JwksCache(f"{settings.accounts_url}/.well-known/jwks.json", session=http)


def introspected_revocations(
    settings: Settings, http: aiohttp.ClientSession, _: object
) -> RevocationCheck:
    """Revocation from accounts' introspection route (the fallback when pushes are off)."""
    url = f"{settings.accounts_url}/internal/tokens/introspect"
    return IntrospectionRevocationCheck(http, url, settings.internal_token)


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphSpec(Generic[R, L]):
    """What makes one subgraph different from another."""

    settings: Settings
    schema: Schema
    make_repository: Callable[[MongoDatabase], R]
    make_loaders: Callable[[R], L]
    routes: Sequence[BaseRoute] = ()
    make_keys: KeysFactory[R] = jwks_keys
    make_revocation: RevocationFactory[R] = introspected_revocations
    event_channels: Sequence[str] = ()
    """The `EventBus` channels this subgraph publishes and streams (its subscriptions)."""


class _GraphQLView(GraphQL[RequestContext[Any, Any], None]):
    """Strawberry's view with orjson and our per-request context."""

    def __init__(
        self,
        schema: Schema,
        make_loaders: Callable[[Any], Any],
        database_budget: float,
        metrics: SubgraphMetrics,
    ) -> None:
        # Multipart requests carry files (`Upload` arguments, accounts' `uploadAvatar`); the
        # gateway checks their CSRF preflight header, and a write still needs a bearer token,
        # which a cross-site form cannot send.
        super().__init__(schema, graphql_ide="graphiql", multipart_uploads_enabled=True)
        self._make_loaders = make_loaders
        self._database_budget = database_budget
        self._metrics = metrics

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """Strawberry's response; all outage is 503, all RATE_LIMITED is 429 (with Retry-After)."""
        response = super().create_response(response_data, sub_response)
        _ANSWERED_ERRORS.set(isinstance(response_data, dict) and bool(response_data.get("errors")))
        if not isinstance(response_data, dict):
            return response
        body = cast(Mapping[str, Any], response_data)
        if whole_outage(body):
            response.status_code = 503
            response.headers.update(RETRY_HEADERS)
        elif (wait := whole_rate_limit(body)) is not None:
            response.status_code = 429
            response.headers["Retry-After"] = str(wait)
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Like Strawberry's, but a malformed request gets a JSON GraphQL error with a code."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        started = perf_counter()
        _ANSWERED_ERRORS.set(False)
        try:
            # One database budget for the whole request (pymongo's operation timeout, which the
            # request's tasks inherit): a stalled database costs it once, not once per query.
            with pymongo.timeout(self._database_budget):
                response = await self.run(Request(scope, receive=receive))
        except HTTPException as exc:
            error = {"message": exc.reason, "extensions": {"code": "BAD_REQUEST"}}
            response = OrjsonResponse({"errors": [error]}, status_code=exc.status_code)
        outcome = request_outcome(response.status_code, _ANSWERED_ERRORS.get())
        self._metrics.request(outcome, perf_counter() - started)
        await response(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext[Any, Any]:
        services = services_of(request)  # a WebSocket for subscriptions: its upgrade headers
        return RequestContext(
            request=request,
            services=services,
            auth=RequestAuth(services.verifier, request.headers.get("authorization")),
            loaders=self._make_loaders(services.repository),
        )


async def _health(request: Request) -> Response:
    """Liveness: 200 once started; the process answers (the database is `/ready`'s concern)."""
    if getattr(request.app.state, "services", None) is None:
        return OrjsonResponse({"status": "starting"}, status_code=503)
    return OrjsonResponse({"status": "ok"})


async def _ready(request: Request) -> Response:
    """200 while the database answers `ping` within `HEALTH_SECONDS`, else 503 (never a hang)."""
    services: Services[Any] | None = getattr(request.app.state, "services", None)
    if services is None:
        return OrjsonResponse({"status": "starting"}, status_code=503)
    if not await database_answers(services.client, HEALTH_SECONDS):
        return OrjsonResponse(
            {"status": "database unreachable"}, status_code=503, headers=RETRY_HEADERS
        )
    return OrjsonResponse({"status": "ok"})


async def _commands(_: object, services: Services[Any]) -> dict[str, Any]:
    return {"commands": services.commands.snapshot()}


def _lifespan(spec: SubgraphSpec[R, L], telemetry: SubgraphTelemetry) -> Callable[[Starlette], Any]:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        counter = CommandCounter()
        client = create_client(spec.settings, listeners=[counter, *telemetry.listeners()])
        try:
            repository = spec.make_repository(database_for(client, spec.settings))
            await repository.ensure_indexes()
            async with (
                aiohttp.ClientSession() as http,
                _revocations(spec, http, repository) as (redis, revocation),
                _event_bus(redis, spec.event_channels) as events,
            ):
                app.state.services = Services(
                    settings=spec.settings,
                    client=client,
                    repository=repository,
                    http=http,
                    verifier=TokenVerifier(
                        keys=spec.make_keys(spec.settings, http, repository),
                        revocation=revocation,
                        issuer=spec.settings.jwt_issuer,
                        audience=spec.settings.jwt_audience,
                    ),
                    commands=counter,
                    redis=redis,
                    events=events,
                )
                yield
        finally:
            await client.close()
            telemetry.shutdown()

    return lifespan


@asynccontextmanager
async def _revocations(
    spec: SubgraphSpec[R, L], http: aiohttp.ClientSession, repository: R
) -> AsyncIterator[tuple[aioredis.Redis | None, RevocationCheck]]:
    """The revocation check: pushed over Redis when `REDIS_URL` is set, else the spec's own."""
    own = spec.make_revocation(spec.settings, http, repository)
    if spec.settings.redis_url is None:
        yield None, own
        return
    redis = aioredis.Redis.from_url(spec.settings.redis_url)
    pushed = PushedRevocations(redis, own)
    pushed.start()
    try:
        yield redis, pushed
    finally:
        await pushed.close()
        await redis.aclose()


@asynccontextmanager
async def _event_bus(
    redis: aioredis.Redis | None, channels: Sequence[str]
) -> AsyncIterator[EventBus]:
    """The process's one event bus, following its channels over Redis while the app runs."""
    events = EventBus(redis, channels)
    events.start()
    try:
        yield events
    finally:
        await events.close()


def create_app(spec: SubgraphSpec[R, L]) -> Starlette:
    """The ASGI app for one subgraph."""
    budget = spec.settings.database_timeouts.request_ms / 1000
    telemetry = SubgraphTelemetry(spec.settings.name)
    view = _GraphQLView(spec.schema, spec.make_loaders, budget, telemetry.metrics)
    routes: list[BaseRoute] = [
        Route("/health", _health, methods=["GET"]),
        Route("/ready", _ready, methods=["GET"]),
        Route("/metrics", telemetry.metrics.endpoint, methods=["GET"]),
        Route("/graphql", view, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", view),  # subscriptions (graphql-transport-ws)
        internal_route("/internal/debug/commands", _commands, methods=("GET",)),
        *spec.routes,
    ]
    return Starlette(
        routes=routes, middleware=telemetry.middleware(), lifespan=_lifespan(spec, telemetry)
    )
