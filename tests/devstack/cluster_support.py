"""Test support for `make cluster`: the balanced stack started in-process, and a load driver.

The stack is `devstack.cluster.start_cluster` itself (nginx, two gateways, two of each subgraph,
Redis, FerretDB), on free ports, with the demo world loaded and the demo person signed in.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devstack.cluster import Replicas, start_cluster
from devstack.database import new_prefix
from devstack.demo import DEMO_PERSON, load_demo_world, sign_in
from devstack.nginx import ACCESS_LOG
from devstack.processes import free_port
from devstack.up import RunningStack, StackOptions

__all__ = ["Cluster", "Outcome", "cluster_running", "drive_load", "persisted", "post_json"]

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Cluster:
    """The running stack, the demo person's token, and where nginx logs."""

    stack: RunningStack
    token: str

    @property
    def url(self) -> str:
        return self.stack.graphql_url

    def replica_url(self, name: str) -> str:
        """`/graphql` of one process, past nginx (`gateway-1`...)."""
        return f"{self.stack.supervisor.service(name).url}/graphql"

    @property
    def access_log(self) -> Path:
        return self.stack.options.log_dir / ACCESS_LOG


@contextmanager
def cluster_running(log_dir: Path) -> Iterator[Cluster]:
    """The cluster up with the demo world; everything it started stopped afterwards."""
    options = StackOptions(
        log_dir=log_dir,
        gateway_port=free_port(),
        db_prefix=new_prefix(),
        drop_data_on_stop=True,
    )
    stack = start_cluster(options, Replicas(gateways=2, subgraphs=2, nginx_dir=log_dir / "nginx"))
    try:
        load_demo_world({name: stack.subgraph_url(name) for name in stack.subgraph_urls})
        token = sign_in(stack.graphql_url, DEMO_PERSON.email, DEMO_PERSON.password)
        yield Cluster(stack=stack, token=token)
    finally:
        stack.stop()


def post_json(
    url: str, body: Mapping[str, Any], token: str | None = None
) -> tuple[int, dict[str, Any]]:
    """POST a JSON body; the status and decoded JSON answer (502 from nginx has none: {})."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, {}


def persisted(query: str, *, with_document: bool) -> dict[str, Any]:
    """An APQ request body: the hash, and the document only when registering it."""
    digest = hashlib.sha256(query.encode()).hexdigest()
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    if with_document:
        body["query"] = query
    return body


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """One request of the load: when it started and ended (monotonic) and whether it worked."""

    started: float
    ended: float
    ok: bool


def drive_load(
    url: str, body: Mapping[str, Any], token: str, *, clients: int, seconds: float
) -> tuple[list[Outcome], threading.Event]:
    """Start `clients` threads posting `body` back to back for `seconds`; `done` is set when all
    have finished, and the outcomes list fills as they go."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    done = threading.Event()
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                status, answer = post_json(url, body, token)
                ok = status == 200 and not answer.get("errors") and bool(answer.get("data"))
            except OSError:
                ok = False
            with lock:
                outcomes.append(Outcome(started=started, ended=time.monotonic(), ok=ok))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()

    def join_all() -> None:
        for thread in threads:
            thread.join()
        done.set()

    threading.Thread(target=join_all, daemon=True).start()
    return outcomes, done
