"""Start the four subgraphs and the gateway as real HTTP processes on free 127.0.0.1 ports.

The names and environment variables follow `subgraphs/CONTRACTS.md`. Ports are all chosen before
any subgraph starts, because every subgraph needs the others' URLs (cross-posting, link proofs,
token introspection). The gateway gets each subgraph's URL, and accounts' JWKS URL, through its
override variables, so the checked-in supergraph and `schema/gateway.yaml` (which name the default
ports) work unchanged on any port.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from devstack.processes import Service, ServiceSpec, free_port, http_ok, launch

__all__ = [
    "GATEWAY_URL_ENV_PREFIX",
    "JWKS_URL_ENV",
    "ROOT",
    "SUBGRAPHS",
    "gateway_env",
    "gateway_env_for_urls",
    "gateway_spec",
    "start_gateway",
    "start_subgraphs",
    "stop_all",
    "subgraph_env",
    "subgraph_specs",
]

ROOT = Path(__file__).resolve().parent.parent
SUBGRAPHS: tuple[str, ...] = ("accounts", "whatsapp", "facebook", "instagram")
GATEWAY_URL_ENV_PREFIX = "GATEWAY_SUBGRAPH_URL_"
JWKS_URL_ENV = "GATEWAY_AUTH_JWKS_URL"
JWKS_PATH = "/.well-known/jwks.json"
DEFAULT_REGIONS = "EU,US,BR,IN"
START_TIMEOUT_SECONDS = 90.0


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def subgraph_env(
    name: str,
    ports: Mapping[str, int],
    mongodb_uri: str,
    db_prefix: str,
    internal_token: str,
    regions: str,
    *,
    redis_url: str | None = None,
) -> dict[str, str]:
    """The environment CONTRACTS.md gives subgraph `name`."""
    env = _base_env()
    env.update(
        HOST="127.0.0.1",
        PORT=str(ports[name]),
        MONGODB_URI=mongodb_uri,
        MONGODB_DB=db_prefix,
        INTERNAL_TOKEN=internal_token,
        REGIONS_ROLLED_OUT=regions,
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    # OTEL_* variables pass through like the rest of the environment (traces go where the
    # caller's OTEL_EXPORTER_OTLP_ENDPOINT says); each subgraph gets a service name of its own.
    env["OTEL_SERVICE_NAME"] = f"subgraph-{name}"
    for other, port in ports.items():
        env[f"{other.upper()}_URL"] = f"http://127.0.0.1:{port}"
    return env


def subgraph_specs(
    mongodb_uri: str,
    db_prefix: str,
    log_dir: Path,
    *,
    internal_token: str | None = None,
    regions: str = DEFAULT_REGIONS,
    ports: Mapping[str, int] | None = None,
    redis_url: str | None = None,
) -> list[ServiceSpec]:
    """How to start (and restart) each of the four subgraphs, ready when `GET /health` is 200."""
    token = internal_token or secrets.token_urlsafe(32)
    chosen = dict(ports) if ports is not None else {name: free_port() for name in SUBGRAPHS}
    return [
        ServiceSpec(
            name=name,
            argv=(sys.executable, "-m", f"subgraphs.{name}"),
            env=subgraph_env(
                name, chosen, mongodb_uri, db_prefix, token, regions, redis_url=redis_url
            ),
            log_path=log_dir / f"{name}.log",
            port=chosen[name],
            ready=http_ok(f"http://127.0.0.1:{chosen[name]}/health"),
            start_timeout=START_TIMEOUT_SECONDS,
        )
        for name in SUBGRAPHS
    ]


def start_subgraphs(
    mongodb_uri: str,
    db_prefix: str,
    log_dir: Path,
    *,
    internal_token: str | None = None,
    regions: str = DEFAULT_REGIONS,
    ports: Mapping[str, int] | None = None,
    redis_url: str | None = None,
) -> dict[str, Service]:
    """Start all four subgraphs and return once each answers `GET /health`.

    `redis_url` becomes every subgraph's `REDIS_URL` (pushed token revocations).

    If one fails to start, the ones already running are stopped before the error propagates.
    """
    specs = subgraph_specs(
        mongodb_uri,
        db_prefix,
        log_dir,
        internal_token=internal_token,
        regions=regions,
        ports=ports,
        redis_url=redis_url,
    )
    started: dict[str, Service] = {}
    try:
        for spec in specs:
            started[spec.name] = launch(spec)
    except BaseException:
        stop_all(started.values())
        raise
    return started


def gateway_env(subgraphs: Mapping[str, Service]) -> dict[str, str]:
    """Subgraph URL overrides for the gateway, one variable per subgraph, and accounts' JWKS."""
    return gateway_env_for_urls({name: service.url for name, service in subgraphs.items()})


def gateway_env_for_urls(base_urls: Mapping[str, str]) -> dict[str, str]:
    """The same overrides from each subgraph's base URL (a process's, or a load balancer's).

    `schema/gateway.yaml` verifies tokens against accounts' JWKS on its usual port; like the
    subgraph URLs, the JWKS URL follows the port accounts was given here.
    """
    env = {
        f"{GATEWAY_URL_ENV_PREFIX}{name.upper()}": f"{url}/graphql"
        for name, url in base_urls.items()
    }
    accounts = base_urls.get("accounts")
    if accounts is not None:
        env[JWKS_URL_ENV] = f"{accounts}{JWKS_PATH}"
    return env


def gateway_spec(
    supergraph_path: Path,
    port: int,
    env: Mapping[str, str],
    log_path: Path,
    *,
    timeout: float = START_TIMEOUT_SECONDS,
) -> ServiceSpec:
    """`python -m gateway serve` on 127.0.0.1:`port`, ready when `/ready` says 200."""
    full_env = _base_env()
    # GraphiQL's example tabs are read relative to the working directory unless told where.
    full_env.setdefault("GATEWAY_GRAPHIQL_EXAMPLES_DIR", str(ROOT / "examples"))
    full_env.update(env)
    argv = [
        sys.executable,
        "-m",
        "gateway",
        "serve",
        "--config",
        str(ROOT / "schema" / "gateway.yaml"),
        "--supergraph",
        str(supergraph_path),
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
    ]
    return ServiceSpec(
        name="gateway",
        argv=tuple(argv),
        env=full_env,
        log_path=log_path,
        port=port,
        ready=http_ok(f"http://127.0.0.1:{port}/ready"),
        start_timeout=timeout,
    )


def start_gateway(
    supergraph_path: Path,
    port: int,
    env: Mapping[str, str],
    log_path: Path,
    *,
    timeout: float = START_TIMEOUT_SECONDS,
) -> Service:
    """Run `python -m gateway serve` on 127.0.0.1:`port` and wait until `/ready` says 200."""
    return launch(gateway_spec(supergraph_path, port, env, log_path, timeout=timeout))


def stop_all(services: Iterable[Service]) -> None:
    """Stop services in reverse start order."""
    for service in reversed(list(services)):
        service.stop()
