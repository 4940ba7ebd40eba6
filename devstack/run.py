"""`make run`: the whole graph on 127.0.0.1, the demo world loaded, up until Ctrl-C or SIGTERM.

The gateway listens on 4000 (or `PORT`) and each subgraph on its default port when that is free.
The data lives in `.cache/ferretdb/data/devstack-run` (unless `MONGODB_URI` is set), so it
survives a restart; that is why the demo loader must be idempotent.

Once up, the stack is supervised (`devstack/supervisor.py`): a child that dies (FerretDB, Redis,
a subgraph, the gateway) is logged with its exit code and started again with backoff on the same
port, and `make run` keeps running. Only Ctrl-C or SIGTERM stops it, and then everything it
started, by PID.

`make cluster` (`run(cluster=True)`) is the same with every subgraph and the gateway replicated
behind nginx (`devstack/cluster.py`); the banner also lists each replica, so operators can
find one.

For tests and scripts: `DEVSTACK_FREE_PORTS=1` puts the subgraphs on free ports instead of their
usual ones, `DEVSTACK_LOG_DIR` moves the logs and `DEVSTACK_DATA_DIR` the database's data.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from types import FrameType

from devstack.cluster import replicas_from_env, start_cluster
from devstack.database import DATA_ROOT
from devstack.demo import DEMO_PEOPLE, DEMO_PERSON, load_demo_world, sign_in
from devstack.graphql_client import GraphQLError
from devstack.processes import ServiceStartError
from devstack.stack import ROOT
from devstack.up import RunningStack, StackOptions, port_or_free, start_stack

__all__ = ["run"]

LOG_DIR = ROOT / ".cache" / "devstack" / "logs"
DEFAULT_GATEWAY_PORT = 4000


class _Stop(Exception):
    """Raised from the signal handler to leave the wait loop."""


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


def _gateway_port() -> int:
    raw = os.environ.get("PORT", str(DEFAULT_GATEWAY_PORT))
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SystemExit(f"PORT must be a TCP port number, got {raw!r}")
    port = int(raw)
    if port_or_free(port) != port:
        raise SystemExit(f"port {port} is already in use; stop what uses it or set PORT")
    return port


def _options() -> StackOptions:
    return StackOptions(
        log_dir=Path(os.environ.get("DEVSTACK_LOG_DIR") or LOG_DIR),
        gateway_port=_gateway_port(),
        db_prefix=os.environ.get("MONGODB_DB", "accounts_center"),
        data_dir=Path(os.environ.get("DEVSTACK_DATA_DIR") or DATA_ROOT / "devstack-run"),
        prefer_default_ports=os.environ.get("DEVSTACK_FREE_PORTS", "") not in {"1", "true"},
    )


def _replica_lines(stack: RunningStack) -> list[str]:
    """For `make cluster`: every process behind nginx, by name, port and PID."""
    if stack.front is None:
        return []
    behind = [s for s in stack.services() if s.name not in {"ferretdb", "redis", "nginx"}]
    listed = ", ".join(f"{s.name} :{s.port} (pid {s.pid})" for s in behind)
    return [f"Replicas:      {listed}", f"Balancer:      nginx, {stack.front.balancer_config}"]


def _banner(stack: RunningStack, token: str) -> str:
    others = ", ".join(f"{p.email}" for p in DEMO_PEOPLE if p is not DEMO_PERSON)
    lines = [
        "",
        f"GraphiQL:      {stack.graphql_url}",
        f"Demo sign-in:  {DEMO_PERSON.email} / {DEMO_PERSON.password}",
        f"Other people:  {others} (same password)",
        "A ready token for the demo person (curl; GraphiQL signs in by itself with SignIn):",
        f'  {{"Authorization": "Bearer {token}"}}',
        "Subgraphs:     " + ", ".join(f"{name} {url}" for name, url in stack.subgraph_urls.items()),
        *_replica_lines(stack),
        f"Redis:         {stack.redis_url or 'not running (make redis installs it)'}",
        f"Logs:          {stack.options.log_dir}",
        "Crashed processes are restarted (logged here).",
        "Press Ctrl-C to stop everything.",
        "",
    ]
    return "\n".join(lines)


def _supervise(stack: RunningStack) -> str:
    """Restart crashed children until SIGINT or SIGTERM; return the signal's name.

    The signal only sets a flag here (instead of raising), so it never lands between starting a
    child and recording its PID: every child started is one the final stop knows about.
    """
    received: list[str] = []

    def note(signum: int, _frame: FrameType | None) -> None:
        received.append(signal.Signals(signum).name)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, note)
    stack.supervisor.watch(lambda: bool(received))
    return received[0]


def run(*, cluster: bool = False) -> int:
    """Entry point of `python -m devstack run` (and, with `cluster`, of `... cluster`)."""
    options = _options()
    replicas = replicas_from_env() if cluster else None
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    stack: RunningStack | None = None
    try:
        if replicas is None:
            print("starting the database, Redis, four subgraphs and the gateway ...", flush=True)
            stack = start_stack(options)
        else:
            print(
                f"starting the database, Redis, {replicas.subgraphs} of each subgraph,"
                f" {replicas.gateways} gateways and nginx ...",
                flush=True,
            )
            stack = start_cluster(options, replicas)
        print("loading the demo world ...", flush=True)
        load_demo_world({name: stack.subgraph_url(name) for name in stack.subgraph_urls})
        token = sign_in(stack.graphql_url, DEMO_PERSON.email, DEMO_PERSON.password)
        print(_banner(stack, token), flush=True)
        name = _supervise(stack)
        print(f"\n{name} received, stopping ...", flush=True)
        return 0
    except _Stop as stop:
        print(f"\n{stop} received, stopping ...", flush=True)
        return 0
    except (ServiceStartError, GraphQLError, FileNotFoundError) as exc:
        print(f"could not start: {exc}", file=sys.stderr)
        return 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        if stack is not None:
            stack.stop()
            print("stopped.", flush=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
