"""Running the app under uvicorn (uvloop, httptools), in one process or several workers.

Connections are served by `gateway.http_protocol`: uvicorn's httptools protocol with head and
body read deadlines and a connection cap (`server.header_timeout`, `server.body_timeout`,
`server.max_connections`), so slow clients cannot hold the gateway's connections open.

On SIGTERM or Ctrl-C uvicorn stops accepting connections, lets requests in flight finish for up
to `shutdown_timeout` seconds (those still running then answer 503, see `endpoint.py`), then
runs the lifespan shutdown that closes the subgraph pool. Before any of that, every open
subscription is completed, in each worker alike (`shutdown.py`). SIGHUP reloads the supergraph file
(`reload.py`); with workers, the parent passes it on to each of them.
Workers are separate processes that each build their own app: they find the same settings
because every option can be given as an environment variable (the CLI exports its flags), and
`app_from_environment` is the factory they import.

Garbage collection is tuned here, for the serving process only (an app embedded elsewhere keeps
its host's settings). One request allocates thousands of short-lived containers, so with
Python's default threshold (700) the young generation is collected several times per request,
and the older ones, which hold the schema and supergraph, are traversed again and again.
`gc.freeze()` after start-up moves those long-lived objects out of every collection, and a
higher threshold lets most request garbage die by reference counting before a collection runs.
On the benchmark workload this removed about a third of the gateway's CPU time per query.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import logging
import os
import signal
import socket

import uvicorn
from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from gateway.config import Config, load_config
from gateway.http_protocol import limited_uvicorn_config
from gateway.server.app import create_app
from gateway.telemetry import multiprocess_folder

__all__ = ["app_from_environment", "configure_logging", "serve", "tune_gc"]

log = logging.getLogger("gateway.server")


def configure_logging(level: str) -> None:
    """Send the gateway's own log lines to stderr next to uvicorn's."""
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("gateway").setLevel(level.upper())


def tune_gc(config: Config) -> None:
    """Freeze what start-up built and raise the young-generation threshold, as configured."""
    if config.performance.gc_threshold:
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(config.performance.gc_threshold, older, oldest)
    if config.performance.gc_freeze:
        gc.collect()
        gc.freeze()


def app_from_environment() -> Starlette:
    """The app for a worker process: `Config` from `GATEWAY_CONFIG` and `GATEWAY_*` variables."""
    config = load_config()
    configure_logging(config.server.log_level)
    _hold_sighup()
    app = create_app(config, serving=True)
    tune_gc(config)
    return app


def _hold_sighup() -> None:
    """Ignore SIGHUP until the app's lifespan takes it over (`reload.py`): by default it would
    end a process that is still starting, or one that serves no supergraph file."""
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def _uvicorn_config(config: Config, app: Starlette | str) -> uvicorn.Config:
    return limited_uvicorn_config(
        app,
        config.server.connection_limits,
        factory=isinstance(app, str),
        workers=config.server.workers if isinstance(app, str) else None,
        host=config.server.host,
        port=config.server.port,
        loop="uvloop",
        lifespan="on",
        log_level=config.server.log_level,
        access_log=config.server.log_level == "debug",  # a line per request costs throughput
        server_header=False,
        timeout_graceful_shutdown=max(1, round(config.server.shutdown_timeout)),
    )


def serve(config: Config) -> None:
    """Serve until SIGTERM/SIGINT. Start-up errors (config, supergraph) raise before binding."""
    configure_logging(config.server.log_level)
    # In the parent too, so a bad supergraph fails here, once.
    _hold_sighup()
    app = create_app(config, serving=config.server.workers == 1)
    where = f"http://{config.server.host}:{config.server.port}{config.server.graphql_path}"
    log.info("gateway (%s mode) on %s, %d worker(s)", config.mode, where, config.server.workers)
    if config.server.workers == 1:
        uvicorn_config = _uvicorn_config(config, app)
        server = uvicorn.Server(uvicorn_config)
        tune_gc(config)
        server.run(sockets=_sockets(config, uvicorn_config))
        return
    worker_config = _uvicorn_config(config, "gateway.server.serve:app_from_environment")
    sockets = _sockets(config, worker_config)
    # Workers share their metrics through files (see gateway/telemetry/metrics.py).
    with multiprocess_folder() if config.metrics.enabled else contextlib.nullcontext():
        _Workers(worker_config, sockets=sockets).run()


def _sockets(config: Config, uvicorn_config: uvicorn.Config) -> list[socket.socket]:
    """The GraphQL port's socket, and `metrics.port`'s when metrics listen apart (every worker
    accepts on both; the app tells them apart by the port a request arrived on)."""
    sockets = [uvicorn_config.bind_socket()]
    if config.metrics.enabled and config.metrics.port:
        apart = copy.copy(uvicorn_config)
        apart.port, apart.uds, apart.fd = config.metrics.port, None, None
        sockets.append(apart.bind_socket())
    return sockets


class _Workers(Multiprocess):
    """uvicorn's supervisor, but SIGHUP reloads the supergraph in every worker.

    uvicorn answers SIGHUP by replacing the workers one by one; the gateway only needs each
    worker to read its supergraph again, which keeps their caches and connections and refuses
    an invalid file while still serving, so the signal is passed on instead.
    """

    def handle_hup(self) -> None:
        log.info("SIGHUP: asking %d worker(s) to reload the supergraph", len(self.processes))
        for process in self.processes:
            if process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGHUP)
