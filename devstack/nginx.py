"""Debian's nginx as the cluster's load balancer: its config, written under `.cache/`, and its argv.

`make cluster` puts nginx where Kubernetes puts a Service and an ingress: one port for the
gateway replicas (`PORT`) and one per subgraph, each an upstream of that subgraph's replicas.
nginx runs as the user who started `make cluster` (no root, no system config): its pid file,
temp folders and config live in a work folder of ours and it logs beside the other processes.

Health checks are passive, as open-source nginx has them: a replica that refuses a connection
or times out is marked down for `FAIL_TIMEOUT` after `MAX_FAILS` failures, and the request goes
to the next replica when that is safe (`proxy_next_upstream`: nginx never resends a POST that
already reached a replica, so only requests a dead replica held in flight can fail). WebSocket
upgrades pass through (subscriptions over graphql-ws) and responses are not buffered, so SSE
and incremental delivery reach the client as the gateway writes them.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from devstack.processes import ServiceSpec, http_ok

__all__ = [
    "ACCESS_LOG",
    "FAIL_TIMEOUT",
    "MAX_FAILS",
    "Upstream",
    "find_nginx",
    "nginx_config",
    "nginx_spec",
]

ACCESS_LOG = "nginx-access.log"  # in the stack's log folder, one line per request
MAX_FAILS = 1
FAIL_TIMEOUT = "5s"
START_TIMEOUT_SECONDS = 30.0
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


@dataclass(frozen=True, slots=True, kw_only=True)
class Upstream:
    """One balanced service: nginx listens on `listen` and spreads over `replicas` (ports)."""

    name: str
    listen: int
    replicas: tuple[int, ...]


def find_nginx() -> Path | None:
    """Debian's `nginx` (in /usr/sbin, which a user's PATH may lack), or None."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    return Path(found) if found else None


def _upstream_block(upstream: Upstream) -> str:
    servers = "\n".join(
        f"    server 127.0.0.1:{port} max_fails={MAX_FAILS} fail_timeout={FAIL_TIMEOUT};"
        for port in upstream.replicas
    )
    return f"  upstream {upstream.name} {{\n{servers}\n    keepalive 32;\n  }}\n"


def _server_block(upstream: Upstream, *, client_facing: bool) -> str:
    # Facing clients, nginx states the client's address (replacing whatever a client sent); the
    # gateway trusts it from 127.0.0.1 (uvicorn's FORWARDED_ALLOW_IPS), so rate limits see
    # people, not nginx. In front of a subgraph the gateway's own X-Forwarded-For passes as is.
    forwarded = (
        "      proxy_set_header X-Forwarded-For $remote_addr;\n"
        "      proxy_set_header X-Forwarded-Proto $scheme;\n"
        if client_facing
        else ""
    )
    return (
        "  server {\n"
        f"    listen 127.0.0.1:{upstream.listen};\n"
        "    location / {\n"
        f"      proxy_pass http://{upstream.name};\n"
        "      proxy_http_version 1.1;\n"
        "      proxy_set_header Host $http_host;\n"
        "      proxy_set_header Upgrade $http_upgrade;\n"
        "      proxy_set_header Connection $connection_upgrade;\n"
        f"{forwarded}"
        "      proxy_buffering off;\n"
        "      proxy_connect_timeout 2s;\n"
        "      proxy_read_timeout 1h;\n"
        "      proxy_send_timeout 1h;\n"
        "      proxy_next_upstream error timeout http_502 http_503 http_504;\n"
        "      proxy_next_upstream_tries 3;\n"
        "      proxy_next_upstream_timeout 10s;\n"
        "    }\n"
        "  }\n"
    )


def nginx_config(
    work_dir: Path, log_dir: Path, front: Upstream, backends: Sequence[Upstream]
) -> str:
    """The whole nginx.conf: `front` faces clients (the gateways), `backends` the subgraphs."""
    temps = "".join(f"  {name}_temp_path {work_dir / 'temp' / name};\n" for name in TEMP_PATHS)
    blocks = [_upstream_block(front), _server_block(front, client_facing=True)]
    for backend in backends:
        blocks += [_upstream_block(backend), _server_block(backend, client_facing=False)]
    return (
        "# Written by devstack (make cluster) on every start; edits are lost.\n"
        "daemon off;\n"
        "worker_processes 1;\n"
        f"pid {work_dir / 'nginx.pid'};\n"
        f"error_log {log_dir / 'nginx-error.log'} warn;\n"
        "events {\n  worker_connections 4096;\n}\n"
        "http {\n"
        # Which front (`$server_port`) and which replica (`$upstream_addr`, every one tried)
        # answered: what an operator asks first when one replica misbehaves.
        '  log_format cluster \'$remote_addr [$time_local] :$server_port "$request" $status'
        " $body_bytes_sent upstream=$upstream_addr $request_time';\n"
        f"  access_log {log_dir / ACCESS_LOG} cluster buffer=64k flush=1s;\n"
        f"{temps}"
        "  map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' '';\n  }\n"
        + "".join(blocks)
        + "}\n"
    )


def nginx_spec(
    binary: Path,
    work_dir: Path,
    log_dir: Path,
    front: Upstream,
    backends: Sequence[Upstream],
    *,
    ready_path: str = "/health",
) -> ServiceSpec:
    """nginx in the foreground on our config, ready when GET `ready_path` on the first backend
    (or the front, without backends) answers 200: nginx starts before the gateways, which need
    it to reach the subgraphs."""
    for name in TEMP_PATHS:
        (work_dir / "temp" / name).mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    config = work_dir / "nginx.conf"
    config.write_text(nginx_config(work_dir, log_dir, front, backends))
    argv = (
        str(binary),
        "-p",
        str(work_dir),
        "-c",
        str(config),
        "-e",
        str(log_dir / "nginx-error.log"),
    )
    return ServiceSpec(
        name="nginx",
        argv=argv,
        env={"PATH": "/usr/sbin:/usr/bin:/bin"},
        log_path=log_dir / "nginx.log",
        port=front.listen,
        ready=http_ok(
            f"http://127.0.0.1:{(backends[0] if backends else front).listen}{ready_path}"
        ),
        start_timeout=START_TIMEOUT_SECONDS,
    )
