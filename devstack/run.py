"""`make run`: the whole graph on 127.0.0.1, the demo world loaded, up until Ctrl-C or SIGTERM.

The gateway listens on 4000 (or `PORT`) and each subgraph on its default port when that is free.
The data lives in `.cache/ferretdb/data/devstack-run` (unless `MONGODB_URI` is set), so it
survives a restart; that is why the demo loader must be idempotent.

For tests and scripts: `DEVSTACK_FREE_PORTS=1` puts the subgraphs on free ports instead of their
usual ones, and `DEVSTACK_LOG_DIR` moves the logs.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from devstack.database import DATA_ROOT
from devstack.demo import DEMO_PEOPLE, DEMO_PERSON, load_demo_world, sign_in
from devstack.graphql_client import GraphQLError
from devstack.processes import ServiceStartError, log_tail
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
        data_dir=DATA_ROOT / "devstack-run",
        prefer_default_ports=os.environ.get("DEVSTACK_FREE_PORTS", "") not in {"1", "true"},
    )


def _banner(stack: RunningStack, token: str) -> str:
    others = ", ".join(f"{p.email}" for p in DEMO_PEOPLE if p is not DEMO_PERSON)
    lines = [
        "",
        f"GraphiQL:      {stack.graphql_url}",
        f"Demo sign-in:  {DEMO_PERSON.email} / {DEMO_PERSON.password}",
        f"Other people:  {others} (same password)",
        "A ready token for the demo person (GraphiQL > Headers):",
        f'  {{"Authorization": "Bearer {token}"}}',
        "Subgraphs:     "
        + ", ".join(f"{name} {service.url}" for name, service in stack.subgraphs.items()),
        f"Logs:          {stack.options.log_dir}",
        "Press Ctrl-C to stop everything.",
        "",
    ]
    return "\n".join(lines)


def _wait(stack: RunningStack) -> int:
    """Block until a signal (0) or until one of our processes dies (1)."""
    while True:
        for service in stack.services():
            if not service.is_running():
                print(f"\n{service.name} stopped unexpectedly:\n{log_tail(service.log_path)}")
                return 1
        time.sleep(0.5)


def run() -> int:
    """Entry point of `python -m devstack run`."""
    options = _options()
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    stack: RunningStack | None = None
    try:
        print("starting the database, four subgraphs and the gateway ...", flush=True)
        stack = start_stack(options)
        print("loading the demo world ...", flush=True)
        load_demo_world({name: stack.subgraph_url(name) for name in stack.subgraphs})
        token = sign_in(stack.graphql_url, DEMO_PERSON.email, DEMO_PERSON.password)
        print(_banner(stack, token), flush=True)
        return _wait(stack)
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
