"""`create_app(config)`: the gateway as one ASGI application, to serve alone or mount in another.

Everything the app needs is built here from the frozen `Config`; nothing is global, so several
gateways can live in one process and tests build as many as they like. The app's lifespan opens
and closes the pooled HTTP transport. Starlette does not run the lifespan of a mounted app, so a
host application either enters it from its own lifespan (`app.router.lifespan_context(app)`, see
`tests/gateway/server/test_server_mount.py`) or lets the transport open its pool lazily on the
first request.

Requests to the GraphQL path take a direct lane past Starlette's generic layers (its error and
exception middleware, the router's matching, and the per-route exception wrapper), which cost
tens of microseconds per request and do nothing for an endpoint that never raises. The lane keeps
what those layers promise: an unexpected exception still answers a plain 500 and is re-raised
for the server to log. Other paths, a mounted app (non-empty `root_path`), any middleware (CORS,
or one a host application adds), custom exception handlers and debug mode still go through the
full Starlette stack.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route, Router, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.caching import EntityCache
from gateway.config import Config, ConfigError
from gateway.plugins import PluginChain, PluginLoadError, PluginTransport, load_plugins
from gateway.server.contracts import check_contracts, serve_contracts
from gateway.server.endpoint import GraphQLEndpoint
from gateway.server.graphiql import ASSET_ROUTE, GraphiQL
from gateway.server.health import HealthEndpoints
from gateway.server.multipart_subscriptions import (
    accepts_multipart_subscription,
    multipart_subscription_endpoint,
)
from gateway.server.negotiation import wants_event_stream
from gateway.server.reload import SupergraphWatcher
from gateway.server.shutdown import complete_streams_on_exit
from gateway.server.sse import event_stream_endpoint
from gateway.server.state import ServingState, load_supergraph_file
from gateway.server.websocket import WebSocketEndpoint
from gateway.subscriptions import Subscriptions
from gateway.supergraph import Supergraph
from gateway.telemetry import ServingFacts, Telemetry
from gateway.transports import Transport

__all__ = ["create_app"]

# Every method reaches the endpoint so that wrong ones get a GraphQL-shaped 405.
_GRAPHQL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_DIRECT_METHODS = frozenset({"GET", "POST"})


def _lifespan(
    state: ServingState,
    telemetry: Telemetry,
    subscriptions: Subscriptions,
    entity_cache: EntityCache | None,
    serving: bool,
) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await state.start()
        subscriptions.start()
        undo = complete_streams_on_exit(subscriptions) if serving else None
        try:
            yield
        finally:
            if undo is not None:
                undo()
            await subscriptions.close()
            await state.stop()
            if entity_cache is not None:
                await entity_cache.close()
            telemetry.shutdown()

    return lifespan


def _to_graphql(path: str) -> Callable[[Request], Awaitable[Response]]:
    """`GET /` sends a browser on to GraphiQL (people type the bare host and port)."""

    async def redirect(request: Request) -> Response:
        root_path = str(request.scope.get("root_path", "")).rstrip("/")
        return RedirectResponse(root_path + path, status_code=307)

    return redirect


def _middleware(config: Config) -> list[Middleware]:
    cors = config.cors
    if not cors.allow_origins:
        return []
    options: dict[str, Any] = {
        "allow_origins": list(cors.allow_origins),
        "allow_credentials": cors.allow_credentials,
        "allow_methods": ["GET", "POST", "OPTIONS"],
        "allow_headers": list(cors.allow_headers),
        "max_age": cors.max_age,
    }
    return [Middleware(CORSMiddleware, **options)]


class _GatewayApp(Starlette):
    """Starlette with a direct lane to the GraphQL endpoint (see the module docstring)."""

    def __init__(
        self,
        *,
        graphql_path: str,
        endpoint: Callable[[Request], Awaitable[Response]],
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self._graphql_path = graphql_path
        self._endpoint = endpoint
        self._apart_port: int | None = None
        self._apart: ASGIApp | None = None

    def listen_apart(self, port: int, app: ASGIApp) -> None:
        """Requests that arrive on `port` (a second socket `serve` binds, e.g. `metrics.port`)
        go to `app` alone: nothing of the GraphQL port is reachable there, nor the reverse."""
        self._apart_port, self._apart = port, app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._apart is not None and scope["type"] == "http":
            server = scope.get("server")
            if server is not None and server[1] == self._apart_port:
                await self._apart(scope, receive, send)
                return
        if (
            scope["type"] != "http"
            or scope["path"] != self._graphql_path
            or scope["method"] not in _DIRECT_METHODS  # the router answers odd ones itself
            or scope.get("root_path")
            or self.user_middleware  # CORS, or middleware a host application added
            or self.exception_handlers
            or self.debug
        ):
            await super().__call__(scope, receive, send)
            return
        scope["app"] = self
        request = Request(scope, receive, send)
        try:
            response = await self._endpoint(request)
        except Exception:
            # What Starlette's ServerErrorMiddleware does outside debug mode.
            await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, send)
            raise
        await response(scope, receive, send)


def _watch(state: ServingState, path: Path, handle_sighup: bool) -> None:
    poll = state.config.reload.watch
    if not poll and not handle_sighup:
        return
    watcher = SupergraphWatcher(state, path, state.config.reload.poll_interval)
    state.background.append(lambda: watcher.run(poll=poll, handle_sighup=handle_sighup))


def _plugin_chain(config: Config, plugins: Sequence[object]) -> PluginChain:
    try:
        return PluginChain([*load_plugins(config.plugins), *plugins])
    except (PluginLoadError, TypeError) as error:
        raise ConfigError(f"plugins: {error}") from None


def create_app(
    config: Config,
    *,
    supergraph: Supergraph | None = None,
    transport: Transport | None = None,
    serving: bool = False,
    plugins: Sequence[object] = (),
) -> Starlette:
    """Build the gateway app; `supergraph` and `transport` replace the configured ones.

    `plugins` run after the configured ones (`plugins:`, `--plugin`), in their order; a
    plugin that cannot be loaded or has a hook that is not `async def` is a `ConfigError`.

    A `--supergraph` file is watched while the app runs (`reload.watch`). With `serving` (what
    `gateway serve` asks: this process's signals are the app's) SIGHUP reloads it too, and
    SIGTERM or SIGINT completes every stream before uvicorn closes the connections
    (`shutdown.py`). Raises `ConfigError`
    when there is nothing to serve and `SupergraphLoadError` when the supergraph file is
    missing or invalid, so start-up fails with a message instead of serving.
    """
    telemetry = Telemetry(config)
    chain = _plugin_chain(config, plugins)
    state = ServingState(config, transport, observer=telemetry.observer)
    if telemetry.metrics is not None:
        telemetry.metrics.watch_serving(partial(_serving_facts, state))
    if chain.touches_subgraphs:  # otherwise the executor calls the transport directly
        state.transport = PluginTransport(state.transport, chain)
    entity_cache = _entity_cache(config, state, telemetry)
    if entity_cache is not None:  # outermost: a hit spares the plugins and the pool
        state.transport = entity_cache.wrap(state.transport)
    contracts = serve_contracts(config, state)  # before the first install: they follow it
    if supergraph is None and config.supergraph is not None:
        _watch(state, config.supergraph, serving)  # before reading: no change is missed
        supergraph = load_supergraph_file(config.supergraph)
    if supergraph is not None:
        state.install(supergraph)
        check_contracts(contracts)
    elif config.compose.config is None:
        raise ConfigError(
            "no supergraph to serve: give --supergraph FILE (GATEWAY_SUPERGRAPH) "
            "or --compose supergraph.yaml (GATEWAY_COMPOSE)"
        )
    graphiql = GraphiQL(config) if config.graphiql.enabled else None
    page = graphiql.page if graphiql is not None else None
    endpoint = GraphQLEndpoint(state, config, page, telemetry, chain)
    endpoint.entity_cache = entity_cache
    subscriptions = Subscriptions(
        config.subscriptions, config.subgraph_url, config.redis.url, telemetry.subscriptions
    )
    health = HealthEndpoints(state)
    routes: list[BaseRoute] = [
        Route(config.server.graphql_path, endpoint.handle, methods=_GRAPHQL_METHODS),
        Route("/health", health.health, methods=["GET"]),
        Route("/ready", health.ready, methods=["GET"]),
    ]
    for contract in contracts:
        served = GraphQLEndpoint(contract.state, config, None, telemetry, chain)
        served.entity_cache = entity_cache
        routes.append(Route(contract.path, served.handle, methods=_GRAPHQL_METHODS))
    if config.subscriptions.enabled:
        hooked = chain if chain.active else None  # the streaming transports run them too
        endpoint.streamed = (
            (
                accepts_multipart_subscription,
                multipart_subscription_endpoint(endpoint, subscriptions, hooked).handle,
            ),
            (wants_event_stream, event_stream_endpoint(endpoint, subscriptions, hooked).handle),
        )
        websocket = WebSocketEndpoint(endpoint, subscriptions, hooked)
        routes.append(WebSocketRoute(config.server.graphql_path, websocket.handle))
    metrics_routes: list[BaseRoute] = []
    if telemetry.metrics is not None:
        metrics = Route(config.metrics.path, telemetry.metrics.endpoint, methods=["GET"])
        (metrics_routes if config.metrics.port else routes).append(metrics)
    if entity_cache is not None and entity_cache.invalidation is not None:
        path = config.entity_cache.invalidation_path
        routes.append(Route(path, entity_cache.invalidation.handle, methods=["POST"]))
    if graphiql is not None:
        routes.append(Route(ASSET_ROUTE, graphiql.asset, methods=["GET"]))
        routes.append(Route("/", _to_graphql(config.server.graphql_path), methods=["GET"]))
    app = _GatewayApp(
        graphql_path=config.server.graphql_path,
        endpoint=endpoint.handle,
        routes=routes,
        middleware=_middleware(config),
        lifespan=_lifespan(state, telemetry, subscriptions, entity_cache, serving),
    )
    if metrics_routes:
        app.listen_apart(config.metrics.port, Router(routes=metrics_routes))
    app.state.serving = state
    app.state.contracts = contracts
    app.state.telemetry = telemetry
    return app


def _entity_cache(config: Config, state: ServingState, telemetry: Telemetry) -> EntityCache | None:
    if not config.entity_cache.enabled:
        return None
    metrics = telemetry.metrics
    observer = metrics.entity_cache_lookups if metrics is not None else None
    return EntityCache(config, partial(_served_supergraph, state), observer)


def _served_supergraph(state: ServingState) -> Supergraph | None:
    return state.gateway.supergraph if state.gateway is not None else None


def _serving_facts(state: ServingState) -> ServingFacts:
    """What `/metrics` reports about the served supergraph and the subgraphs' circuits."""
    status = state.status
    http = state.http
    return ServingFacts(
        supergraph_hash=status.hash,
        reloads=status.reloads,
        refused_reloads=status.refused,
        circuits=http.breaker_states() if http is not None else {},
    )
