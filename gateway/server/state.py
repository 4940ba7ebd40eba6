"""What one server process serves: the current `Gateway`, its pooled transport, and readiness.

The supergraph comes from a file (read once, before the app starts, so a bad file is an error
at start-up) or is composed from live subgraphs (`--compose`), in which case the server is live
but not ready until the first composition succeeds, and in dev mode it recomposes on a poll.
A new supergraph replaces the `Gateway` object in one assignment: requests already running keep
the one they started with, and the caches keyed on the supergraph (documents, plans, shapes)
belong to that object, so they go with it. Subgraph URLs and policies live in dicts the HTTP
transport reads on every call, so a recomposition that moves a subgraph needs no new connection
pool; entries are added and changed, never removed, so a request still running on the old
supergraph can reach a subgraph the new one dropped. A subgraph's policy object is replaced
only when its settings change, so its circuit breaker and retry budget survive a reload.
Each served supergraph is known by the short sha256 of its SDL (`supergraph_hash`), which
`/ready` and every GraphQL answer's `x-supergraph-hash` header show.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import hashlib
import logging
import time
import weakref
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.config import Config, ConfigError, subgraph_env_name
from gateway.operation import DocumentLimits
from gateway.overrides import LabelRule, OverrideSettings
from gateway.planner import override_labels_in
from gateway.references import ReferenceLoadError, load_reference
from gateway.runtime import Gateway, GatewayOptions
from gateway.security.ratelimit import CLIENT_ADDRESS_HEADER
from gateway.supergraph import Supergraph, SupergraphProblems, load_supergraph
from gateway.transports import (
    BreakerSettings,
    FetchObserver,
    HttpTransport,
    HttpTransportOptions,
    InProcessTransport,
    RetrySettings,
    RoutedTransport,
    SubgraphPolicy,
    Transport,
)

__all__ = [
    "ServingState",
    "SupergraphLoadError",
    "SupergraphStatus",
    "forwarded_header_names",
    "load_supergraph_file",
    "release_frozen",
    "subgraph_policy",
    "supergraph_hash",
    "with_client_address",
]


def forwarded_header_names(config: Config) -> tuple[str, ...]:
    """`headers.forward`, plus `x-forwarded-for` when the gateway sends the client's address
    (the server sets its value, see `gateway/server/endpoint.py`)."""
    names = config.headers.forward
    if config.rate_limit.forward_client_address and CLIENT_ADDRESS_HEADER not in names:
        names = (*names, CLIENT_ADDRESS_HEADER)
    return names


def with_client_address(headers: Mapping[str, str], peer: str | None) -> dict[str, str]:
    """The request's headers (the first of repeated ones, as forwarding reads them) with
    `x-forwarded-for` set to the client's address, never to what the client sent: subgraphs
    trust it from the gateway (uvicorn's `FORWARDED_ALLOW_IPS`), so a client must not pick it."""
    copied: dict[str, str] = {}
    for name, value in headers.items():
        copied.setdefault(name.lower(), value)
    copied.pop(CLIENT_ADDRESS_HEADER, None)
    if peer is not None:
        copied[CLIENT_ADDRESS_HEADER] = peer
    return copied


log = logging.getLogger("gateway.server")


class SupergraphLoadError(ValueError):
    """The supergraph file is missing or invalid; the message names the file and each problem."""


def load_supergraph_file(path: Path) -> Supergraph:
    """Read and load a supergraph SDL file, or raise `SupergraphLoadError` saying why."""
    try:
        sdl = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SupergraphLoadError(f"{path}: cannot read the supergraph: {error.strerror}") from None
    loaded = load_supergraph(sdl)
    if isinstance(loaded, SupergraphProblems):
        raise SupergraphLoadError(f"{path}: not a valid supergraph:\n{loaded}")
    return loaded


def release_frozen() -> None:
    """Let the collector free what a replaced supergraph left in the frozen generation.

    `serve.py` freezes what start-up built (`gc.freeze()`), so the cyclic collector never
    looks at it again; the supergraph's schema is full of cycles (types refer to each other),
    so after a reload the old one would stay in memory for good. One full collection between
    an unfreeze and a freeze frees it and keeps the rest frozen (tens of milliseconds, once
    per reload).
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def supergraph_hash(sdl: str) -> str:
    """The short sha256 that names a supergraph: its SDL's first 12 hexadecimal digits."""
    return hashlib.sha256(sdl.encode("utf-8")).hexdigest()[:12]


def subgraph_policy(config: Config, name: str) -> SubgraphPolicy:
    """How subgraph `name` is called: its own settings, else the defaults."""
    breaker, retry = config.breaker, config.retry
    return SubgraphPolicy(
        timeout=config.timeout_for(name),
        connect_timeout=config.connect_timeout_for(name),
        max_connections=config.max_connections_for(name),
        breaker=BreakerSettings(
            consecutive_failures=breaker.consecutive_failures,
            failure_rate=breaker.failure_rate,
            minimum_requests=breaker.minimum_requests,
            window=breaker.window,
            cooldown=breaker.cooldown,
        ),
        retry=RetrySettings(
            max_retries=retry.max_retries,
            budget_ratio=retry.budget_percent / 100,
            min_per_second=retry.min_per_second,
            budget_window=retry.budget_window,
            backoff_base=retry.backoff_base,
            backoff_max=retry.backoff_max,
        ),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SupergraphStatus:
    """What is served and how reloads went: for `/ready`, logs and metrics."""

    hash: str | None
    """The served supergraph's `supergraph_hash` (None before the first one)."""
    loaded_at: float | None
    """Wall-clock time (`time.time()`) it was installed."""
    reloads: int
    """New supergraphs installed after the first."""
    refused: int
    """Reloads refused because the new supergraph was invalid or unreadable."""
    last_error: str | None


class ServingState:
    """The gateway currently served, swapped whole when the supergraph changes."""

    def __init__(
        self,
        config: Config,
        transport: Transport | None = None,
        *,
        observer: FetchObserver | None = None,
    ) -> None:
        self.config = config
        self.gateway: Gateway | None = None
        self.not_ready_reason = "the supergraph is not loaded yet"
        self._urls: dict[str, str] = {}
        self._policies: dict[str, SubgraphPolicy] = {}
        self._hashes: weakref.WeakKeyDictionary[Gateway, str] = weakref.WeakKeyDictionary()
        self._status = SupergraphStatus(
            hash=None, loaded_at=None, reloads=0, refused=0, last_error=None
        )
        self._http: HttpTransport | None = None
        if transport is None:
            self._http = HttpTransport(
                HttpTransportOptions(
                    urls=self._urls,
                    policies=self._policies,
                    default_policy=subgraph_policy(config, ""),
                    observer=observer,
                )
            )
            transport = _with_in_process_subgraphs(config, self._http)
        self.transport: Transport = transport
        self._tasks: list[asyncio.Task[None]] = []
        self.background: list[Callable[[], Coroutine[Any, Any, None]]] = []
        """Coroutines the lifespan runs beside serving (the supergraph file watcher)."""
        self.listeners: list[Callable[[Supergraph], None]] = []
        """Called with each supergraph installed (the contracts served beside it)."""

    @property
    def status(self) -> SupergraphStatus:
        return self._status

    @property
    def supergraph_hash(self) -> str | None:
        """The short sha256 of the supergraph served now (None before the first)."""
        return self._status.hash

    def hash_of(self, gateway: Gateway) -> str:
        """The hash of the supergraph `gateway` serves (a request keeps its gateway)."""
        return self._hashes.get(gateway) or supergraph_hash(gateway.supergraph.sdl)

    def refused(self, reason: str) -> None:
        """Count a reload refused for `reason` (the served supergraph stays)."""
        status = self._status
        self._status = dataclasses.replace(status, refused=status.refused + 1, last_error=reason)

    @property
    def http(self) -> HttpTransport | None:
        """The pooled HTTP transport, unless one was given (its breaker states, for metrics)."""
        return self._http

    def install(self, supergraph: Supergraph) -> None:
        """Serve `supergraph` from now on (config URL overrides win over the supergraph's)."""
        urls = {
            name: self.config.subgraph_url(name, info.url)
            for name, info in supergraph.subgraphs.items()
        }
        self._urls.update(urls)
        for name in urls:
            policy = subgraph_policy(self.config, name)
            if self._policies.get(name) != policy:
                self._policies[name] = policy
        options = GatewayOptions(
            forward_headers=forwarded_header_names(self.config),
            document_cache_bytes=self.config.documents.cache_bytes,
            document_limits=DocumentLimits(
                max_bytes=self.config.limits.max_document_bytes,
                max_tokens=self.config.limits.max_tokens,
            ),
            deduplicate_inbound=self.config.performance.inbound_dedup,
            request_timeout=self.config.request_timeout,
            overrides=OverrideSettings(rules=self._override_rules(supergraph)),
        )
        gateway = Gateway(supergraph, self.transport, options)
        digest = supergraph_hash(supergraph.sdl)
        self._hashes[gateway] = digest
        first = self.gateway is None
        self.gateway = gateway  # the swap: one assignment
        status = self._status
        self._status = SupergraphStatus(
            hash=digest,
            loaded_at=time.time(),
            reloads=status.reloads + (0 if first else 1),
            refused=status.refused,
            last_error=status.last_error,
        )
        names = ", ".join(sorted(urls))
        log.info("serving supergraph %s with subgraphs: %s", digest, names)
        for listener in self.listeners:
            listener(supergraph)
        if not first:
            self._release_later()

    def _release_later(self) -> None:
        """`release_frozen` once the requests still running on the old supergraph are done."""
        if not gc.get_freeze_count():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.call_later(self.config.request_timeout + 1.0, release_frozen)

    def _override_rules(self, supergraph: Supergraph) -> dict[str, LabelRule]:
        """Header rules for the supergraph's custom override labels that the settings name."""
        rules: dict[str, LabelRule] = {}
        for label in sorted(override_labels_in(supergraph)):
            settings = self.config.override_rule(label)
            if settings is not None and settings.header is not None:
                rules[label] = LabelRule(settings.header, frozenset(settings.values))
        return rules

    async def start(self) -> None:
        """Open the connection pool and, with `--compose`, start composing in the background."""
        if self._http is not None:
            await self._http.start()
        if self.gateway is None and self.config.compose.config is not None:
            self._tasks.append(asyncio.create_task(self._compose_loop(self.config.compose.config)))
        for run in self.background:
            self._tasks.append(asyncio.create_task(run()))

    async def stop(self) -> None:
        """Stop background work and close the pool (after uvicorn has drained requests)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._http is not None:
            await self._http.close()

    def _install_sdl(self, sdl: str) -> bool:
        loaded = load_supergraph(sdl)
        if isinstance(loaded, SupergraphProblems):
            self.not_ready_reason = f"the composed supergraph is invalid: {loaded}"
            if self.gateway is not None:
                self.refused(self.not_ready_reason)
            log.error("the composed supergraph cannot be served:\n%s", loaded)
            return False
        self.install(loaded)
        return True

    async def _compose_loop(self, compose_config: Path) -> None:
        """Compose until it first succeeds; in dev mode keep recomposing (hot reload)."""
        from gateway.composition import CompositionFailure
        from gateway.composition.config import compose_from_config
        from gateway.composition.watch import watch_supergraph

        interval = self.config.compose.poll_interval
        current: str | None = None
        while current is None:
            result = await compose_from_config(compose_config)
            if isinstance(result, CompositionFailure):
                self.not_ready_reason = f"composition failed: {result}"
                log.warning("composition from %s failed; retrying:\n%s", compose_config, result)
            elif self._install_sdl(result.supergraph_sdl):
                current = result.supergraph_sdl
                break
            await asyncio.sleep(interval)
        if self.config.dev:
            await watch_supergraph(compose_config, interval, self._reload, initial_sdl=current)

    def _reload(self, sdl: str) -> None:
        if self._install_sdl(sdl):
            log.info("hot-reloaded the supergraph composed from live subgraphs")


def _with_in_process_subgraphs(config: Config, http: HttpTransport) -> Transport:
    """`http`, or a routed transport when some subgraphs are served from Python schemas in this
    process (`subgraphs.<name>.schema`); each schema is imported now, so a typo fails start-up.
    """
    try:
        schemas = {
            key: load_reference(settings.schema, f"subgraphs.{key.lower()}.schema")
            for key, settings in config.subgraphs.items()
            if settings.schema is not None
        }
    except ReferenceLoadError as error:
        raise ConfigError(str(error)) from None
    if not schemas:
        return http
    in_process = InProcessTransport(schemas, record=False, key=subgraph_env_name)
    return RoutedTransport(http, dict.fromkeys(schemas, in_process), subgraph_env_name)
