"""Bring the whole graph up (database, four subgraphs, gateway) and take it down again.

`make run` and `make smoke` share this so that what a developer runs by hand is what CI checks.
Anything started is stopped again if a later step fails, by PID, in reverse order.
"""

from __future__ import annotations

import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from devstack.database import Database, drop_prefixed, open_database
from devstack.processes import Service, free_port
from devstack.stack import ROOT, SUBGRAPHS, gateway_env, start_gateway, start_subgraphs, stop_all

__all__ = ["DEFAULT_PORTS", "RunningStack", "StackOptions", "port_or_free", "start_stack"]

SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
DEFAULT_PORTS = {"accounts": 4001, "whatsapp": 4002, "facebook": 4003, "instagram": 4004}


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
class RunningStack:
    """Everything that is up, with the one `stop()` that takes it all down."""

    options: StackOptions
    database: Database
    subgraphs: dict[str, Service]
    gateway: Service

    @property
    def graphql_url(self) -> str:
        return f"{self.gateway.url}/graphql"

    def subgraph_url(self, name: str) -> str:
        return f"{self.subgraphs[name].url}/graphql"

    def services(self) -> list[Service]:
        return [*self.subgraphs.values(), self.gateway]

    def stop(self) -> None:
        stop_all(self.services())
        if self.options.drop_data_on_stop and self.database.pid is None:
            drop_prefixed(self.database.uri, self.options.db_prefix)
        self.database.stop()


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


def start_stack(options: StackOptions) -> RunningStack:
    """Start database, subgraphs and gateway; on failure stop whatever already started."""
    if not options.supergraph.is_file():
        raise FileNotFoundError(f"{options.supergraph} is missing; run `make schema` to compose it")
    database = open_database(options.log_dir, data_dir=options.data_dir)
    subgraphs: dict[str, Service] = {}
    try:
        ports = {
            name: port_or_free(DEFAULT_PORTS[name]) if options.prefer_default_ports else free_port()
            for name in SUBGRAPHS
        }
        subgraphs = start_subgraphs(
            database.uri,
            options.db_prefix,
            options.log_dir,
            internal_token=secrets.token_urlsafe(32),
            ports=ports,
        )
        gateway = start_gateway(
            options.supergraph,
            options.gateway_port,
            gateway_env(subgraphs),
            options.log_dir / "gateway.log",
        )
    except BaseException:
        stop_all(subgraphs.values())
        database.stop()
        raise
    return RunningStack(options=options, database=database, subgraphs=subgraphs, gateway=gateway)
