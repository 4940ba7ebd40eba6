"""`make cluster`: the deployed topology on one machine, without containers.

nginx on `PORT` balances `GATEWAY_REPLICAS` `gateway serve` processes (default 2), and on each
subgraph's usual port balances that subgraph's `SUBGRAPH_REPLICAS` processes (default 2): the
gateway, and the subgraphs calling each other, reach a subgraph through nginx, as they would
reach a Kubernetes Service. So a replica that dies is skipped by nginx (passive health checks,
`devstack/nginx.py`), whoever called it, while the supervisor starts it again. One Redis
(APQ, rate limits, pushed revocations) and one FerretDB are shared by all replicas, as the
cross-post outbox's claims are (`subgraphs/whatsapp/repository.py`).

Every replica is its own process under the one supervisor of `make run`, named `gateway-1`,
`accounts-2`..., with its own log, so operators can find, watch and kill one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from devstack.database import Database
from devstack.nginx import Upstream, find_nginx, nginx_spec
from devstack.processes import ServiceSpec, free_port, http_ok
from devstack.stack import ROOT, SUBGRAPHS, gateway_env_for_urls, gateway_spec, subgraph_specs
from devstack.supervisor import Supervisor
from devstack.up import (
    DEFAULT_PORTS,
    Front,
    RunningStack,
    StackOptions,
    port_or_free,
    start_with,
)

__all__ = ["NGINX_DIR", "Replicas", "replica_names", "replicas_from_env", "start_cluster"]

NGINX_DIR = ROOT / ".cache" / "devstack" / "nginx"  # config, pid file and temp folders
MAX_REPLICAS = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class Replicas:
    """How many processes of each kind, and where nginx keeps its files."""

    gateways: int = 2
    subgraphs: int = 2
    nginx_dir: Path = NGINX_DIR
    per_subgraph: Mapping[str, int] = field(default_factory=dict)
    """Counts that differ from `subgraphs` (the outbox benchmark varies whatsapp alone)."""
    subgraph_env: Mapping[str, str] = field(default_factory=dict)
    """Added to every subgraph replica's environment (e.g. `CROSSPOST_POLL_SECONDS`)."""

    def count(self, subgraph: str) -> int:
        return self.per_subgraph.get(subgraph, self.subgraphs)


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_REPLICAS:
        raise SystemExit(f"{name} must be a whole number from 1 to {MAX_REPLICAS}, got {raw!r}")
    return int(raw)


def replicas_from_env(environ: Mapping[str, str] = os.environ) -> Replicas:
    """`GATEWAY_REPLICAS` and `SUBGRAPH_REPLICAS` (both 2 unless set); nginx's files in
    `DEVSTACK_NGINX_DIR` or `.cache/devstack/nginx`."""
    return Replicas(
        gateways=_count(environ, "GATEWAY_REPLICAS", 2),
        subgraphs=_count(environ, "SUBGRAPH_REPLICAS", 2),
        nginx_dir=Path(environ.get("DEVSTACK_NGINX_DIR") or NGINX_DIR),
    )


def replica_names(name: str, count: int) -> list[str]:
    """`gateway-1`, `gateway-2`...: the supervisor's (and the logs') names for the replicas."""
    return [f"{name}-{index}" for index in range(1, count + 1)]


def _subgraph_replica(
    spec: ServiceSpec, name: str, port: int, extra_env: Mapping[str, str]
) -> ServiceSpec:
    """`spec` (a subgraph told its front's port) as one replica on its own `port`."""
    return replace(
        spec,
        name=name,
        env={**spec.env, **extra_env, "PORT": str(port)},
        log_path=spec.log_path.with_name(f"{name}.log"),
        port=port,
        ready=http_ok(f"http://127.0.0.1:{port}/health"),
    )


def _balanced(
    replicas: Replicas,
    options: StackOptions,
    database: Database,
    supervisor: Supervisor,
    redis: str | None,
) -> Front:
    """Subgraph replicas, then nginx (the subgraphs' fronts answer), then the gateway replicas."""
    binary = find_nginx()
    if binary is None:
        raise FileNotFoundError("nginx is not installed: run `make nginx` (Debian's package)")
    fronts = {
        name: port_or_free(DEFAULT_PORTS[name]) if options.prefer_default_ports else free_port()
        for name in SUBGRAPHS
    }
    specs = subgraph_specs(
        database.uri,
        options.db_prefix,
        options.log_dir,
        internal_token=secrets.token_urlsafe(32),
        ports=fronts,  # every subgraph reaches the others through nginx
        redis_url=redis,
    )
    backends: list[Upstream] = []
    for spec in specs:
        ports = tuple(
            supervisor.launch(
                _subgraph_replica(spec, name, free_port(), replicas.subgraph_env)
            ).port
            for name in replica_names(spec.name, replicas.count(spec.name))
        )
        backends.append(Upstream(name=spec.name, listen=fronts[spec.name], replicas=ports))
    gateway_ports = tuple(free_port() for _ in range(replicas.gateways))
    front = Upstream(name="gateway", listen=options.gateway_port, replicas=gateway_ports)
    supervisor.launch(nginx_spec(binary, replicas.nginx_dir, options.log_dir, front, backends))
    urls = {name: f"http://127.0.0.1:{port}" for name, port in fronts.items()}
    env = gateway_env_for_urls(urls) | ({"GATEWAY_REDIS_URL": redis} if redis else {})
    for name, port in zip(replica_names("gateway", replicas.gateways), gateway_ports, strict=True):
        spec = gateway_spec(options.supergraph, port, env, options.log_dir / f"{name}.log")
        supervisor.launch(replace(spec, name=name))
    return Front(
        gateway=f"http://127.0.0.1:{options.gateway_port}",
        subgraphs=urls,
        balancer_config=replicas.nginx_dir / "nginx.conf",
    )


def start_cluster(options: StackOptions, replicas: Replicas) -> RunningStack:
    """Start the balanced topology under one supervisor; on failure stop what started."""
    return start_with(options, partial(_balanced, replicas))
