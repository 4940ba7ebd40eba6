"""Bring the whole graph up (database, Redis, four subgraphs, gateway) and take it down again.

`make run` and `make smoke` share this so that what a developer runs by hand is what CI checks.
Every process goes under one `Supervisor` (`make run` lets it restart crashed children; see
`devstack/supervisor.py`). Anything started is stopped again if a later step fails, by PID, in
reverse order.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devstack.database import Database, drop_prefixed, open_database
from devstack.processes import Service, free_port
from devstack.redis_server import find_redis_server, redis_spec, redis_url
from devstack.stack import ROOT, SUBGRAPHS, gateway_env, gateway_spec, subgraph_specs
from devstack.supervisor import Supervisor

__all__ = [
    "DEFAULT_PORTS",
    "Front",
    "RunningStack",
    "StackOptions",
    "StartTopology",
    "port_or_free",
    "start_redis",
    "start_stack",
    "start_with",
]

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
DEFAULT_PORTS = {"accounts": 4001, "whatsapp": 4002, "facebook": 4003, "instagram": 4004}
REDIS_DIR = ROOT / ".cache" / "devstack" / "redis"  # redis-server's working folder; nothing saved


@dataclass(frozen=True, slots=True, kw_only=True)
class StackOptions:
    """What to start: where logs go, which data folder, which prefix and ports."""

    log_dir: Path
    gateway_port: int
    db_prefix: str
    data_dir: Path | None = None  # None: a throwaway folder removed on stop
    prefer_default_ports: bool = False
    drop_data_on_stop: bool = False
    supergraph: Path = SUPERGRAPH


@dataclass(frozen=True, slots=True, kw_only=True)
class Front:
    """Where clients reach a balanced stack (`make cluster`): nginx's base URLs, not a process's."""

    gateway: str
    subgraphs: dict[str, str]
    balancer_config: Path | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RunningStack:
    """Everything that is up, watched by one supervisor, with the one `stop()` for it all.

    Without `front` each subgraph and the gateway is one process reached directly; with it
    (`make cluster`) every URL here is nginx's, in front of the replicas.
    """

    options: StackOptions
    database: Database
    supervisor: Supervisor
    redis_url: str | None = None
    front: Front | None = None

    @property
    def subgraph_urls(self) -> dict[str, str]:
        """Each subgraph's base URL (no path), in SUBGRAPHS order."""
        if self.front is not None:
            return dict(self.front.subgraphs)
        return {name: self.supervisor.service(name).url for name in SUBGRAPHS}

    @property
    def graphql_url(self) -> str:
        base = self.front.gateway if self.front is not None else self.gateway.url
        return f"{base}/graphql"

    @property
    def gateway(self) -> Service:
        """The one gateway process of `make run` (a cluster's are `gateway-1`, `gateway-2`...)."""
        return self.supervisor.service("gateway")

    def subgraph_url(self, name: str) -> str:
        return f"{self.subgraph_urls[name]}/graphql"

    def services(self) -> list[Service]:
        """Every process we run, in start order (the database and Redis when they are ours)."""
        return self.supervisor.services()

    def stop(self) -> None:
        self.supervisor.stop()
        if self.options.drop_data_on_stop and self.database.pid is None:
            drop_prefixed(self.database.uri, self.options.db_prefix)
        self.database.remove_throwaway_data()


def port_or_free(port: int) -> int:
    """`port` when nothing listens on it, otherwise a free one.

    SO_REUSEADDR as the servers use it, so connections of a previous run still in TIME_WAIT do
    not make the port look taken.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return free_port()
    return port


def start_redis(options: StackOptions, supervisor: Supervisor) -> str | None:
    """Start a supervised `redis-server` when it is installed; its URL, or None without it."""
    binary = find_redis_server()
    if binary is None:
        print(
            "redis-server is not installed (`make redis`): running without Redis, so the gateway"
            " keeps APQ and rate limits in memory and subgraphs get no pushed revocations",
            flush=True,
        )
        return None
    port = free_port()
    supervisor.launch(redis_spec(binary, port, REDIS_DIR, options.log_dir / "redis.log"))
    return redis_url(port)


StartTopology = Callable[[StackOptions, Database, Supervisor, str | None], Front | None]
"""Starts the subgraphs and gateways under the supervisor, given the database and Redis's URL;
returns where clients reach them when that is not the processes themselves."""


def start_stack(options: StackOptions) -> RunningStack:
    """Start database, Redis, subgraphs and gateway under one supervisor (`make run`).

    On failure whatever already started is stopped again.
    """
    return start_with(options, _single_processes)


def start_with(options: StackOptions, topology: StartTopology) -> RunningStack:
    """Open the database and start Redis, then `topology`, all under one supervisor.

    On failure whatever already started is stopped again.
    """
    if not options.supergraph.is_file():
        raise FileNotFoundError(f"{options.supergraph} is missing; run `make schema` to compose it")
    database = open_database(options.log_dir, data_dir=options.data_dir)
    supervisor = Supervisor()
    if database.spec is not None and database.pid is not None:
        supervisor.adopt(database.spec, database.pid)  # from now on the supervisor stops it
    try:
        redis = start_redis(options, supervisor)
        front = topology(options, database, supervisor, redis)
    except BaseException:
        supervisor.stop()
        database.remove_throwaway_data()
        raise
    return RunningStack(
        options=options, database=database, supervisor=supervisor, redis_url=redis, front=front
    )


def _single_processes(
    options: StackOptions, database: Database, supervisor: Supervisor, redis: str | None
) -> None:
    """One process per subgraph, on its usual port when asked and free, and one gateway."""
    ports = {
        name: port_or_free(DEFAULT_PORTS[name]) if options.prefer_default_ports else free_port()
        for name in SUBGRAPHS
    }
    specs = subgraph_specs(
        database.uri,
        options.db_prefix,
        options.log_dir,
        internal_token=secrets.token_urlsafe(32),
        ports=ports,
        redis_url=redis,
    )
    subgraphs = {spec.name: supervisor.launch(spec) for spec in specs}
    env = gateway_env(subgraphs) | ({"GATEWAY_REDIS_URL": redis} if redis else {})
    log_path = options.log_dir / "gateway.log"
    supervisor.launch(gateway_spec(options.supergraph, options.gateway_port, env, log_path))
