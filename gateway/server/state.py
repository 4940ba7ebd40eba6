"""What one server process serves: the current `Gateway`, its pooled transport, and readiness.

The supergraph comes from a file (read once, before the app starts, so a bad file is an error
at start-up) or is composed from live subgraphs (`--compose`), in which case the server is live
but not ready until the first composition succeeds, and in dev mode it recomposes on a poll.
A new supergraph replaces the `Gateway` object in one assignment: requests already running keep
the one they started with. Subgraph URLs and timeouts live in dicts the HTTP transport reads on
every call, so a recomposition that moves a subgraph needs no new connection pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from gateway.config import Config
from gateway.operation import DocumentLimits
from gateway.runtime import Gateway, GatewayOptions
from gateway.supergraph import Supergraph, SupergraphProblems, load_supergraph
from gateway.transports import FetchObserver, HttpTransport, HttpTransportOptions, Transport

__all__ = ["ServingState", "SupergraphLoadError", "load_supergraph_file"]

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
        self._timeouts: dict[str, float] = {}
        self._http: HttpTransport | None = None
        if transport is None:
            self._http = HttpTransport(
                HttpTransportOptions(
                    urls=self._urls,
                    timeouts=self._timeouts,
                    default_timeout=config.subgraph_timeout,
                    observer=observer,
                )
            )
            transport = self._http
        self.transport: Transport = transport
        self._tasks: list[asyncio.Task[None]] = []

    def install(self, supergraph: Supergraph) -> None:
        """Serve `supergraph` from now on (config URL overrides win over the supergraph's)."""
        urls = {
            name: self.config.subgraph_url(name, info.url)
            for name, info in supergraph.subgraphs.items()
        }
        self._urls.update(urls)
        for stale in set(self._urls) - set(urls):
            del self._urls[stale]
        self._timeouts.clear()
        self._timeouts.update({name: self.config.timeout_for(name) for name in urls})
        options = GatewayOptions(
            forward_headers=self.config.headers.forward,
            document_cache_bytes=self.config.documents.cache_bytes,
            document_limits=DocumentLimits(
                max_bytes=self.config.limits.max_document_bytes,
                max_tokens=self.config.limits.max_tokens,
            ),
            deduplicate_inbound=self.config.performance.inbound_dedup,
            request_timeout=self.config.request_timeout,
        )
        self.gateway = Gateway(supergraph, self.transport, options)
        log.info("serving a supergraph with subgraphs: %s", ", ".join(sorted(urls)))

    async def start(self) -> None:
        """Open the connection pool and, with `--compose`, start composing in the background."""
        if self._http is not None:
            await self._http.start()
        if self.gateway is None and self.config.compose.config is not None:
            self._tasks.append(asyncio.create_task(self._compose_loop(self.config.compose.config)))

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
