"""End-to-end support: real subgraph processes over HTTP and their composed supergraph.

Three Strawberry subgraphs (`e2e_subgraphs.py`) and one `@apollo/subgraph` on graphql-yoga
(`inventory_subgraph.mjs`) run as separate processes on free ports of 127.0.0.1. Their SDL is
read over `_service`, composed by the reference composer (`tools/npm/compose.mjs`, dev-only), and
loaded by our supergraph stage. Every process is stopped by the PID we started it with.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hypothesis_graphql
from graphql import print_schema
from hypothesis import HealthCheck, given, settings

from devstack.processes import Service, start_service
from gateway.planner.plan import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    SequenceNode,
)
from gateway.runtime import Gateway, GraphQLRequest
from gateway.supergraph import Supergraph
from gateway.transports import HttpTransport, HttpTransportOptions

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
NODE_MODULES = ROOT / ".cache" / "npm" / "node_modules"
PYTHON_SUBGRAPHS = ("accounts", "reviews", "products")
NODE_SUBGRAPHS = ("inventory",)


@dataclass(frozen=True, slots=True, kw_only=True)
class Stack:
    """The running subgraphs and the supergraph composed from them."""

    services: dict[str, Service]
    supergraph_sdl: str
    supergraph: Supergraph
    log_dir: Path

    def counts(self) -> dict[str, int]:
        """How many GraphQL requests each subgraph has received so far."""
        return {name: _get_json(f"{s.url}/count")["count"] for name, s in self.services.items()}

    def set_mode(self, name: str, mode: str) -> None:
        """Make a Strawberry subgraph answer `ok`, `500`, `html` or `hang`."""
        request = urllib.request.Request(
            f"{self.services[name].url}/mode", data=mode.encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200

    def restart(self, name: str) -> None:
        """Start a stopped subgraph again on its old port (the supergraph names that URL)."""
        old = self.services[name]
        self.services[name] = start_subgraph(name, old.port, self.log_dir)


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def node_env() -> dict[str, str]:
    return {**os.environ, "NODE_PATH": str(NODE_MODULES)}


def start_subgraph(name: str, port: int, log_dir: Path) -> Service:
    if name in NODE_SUBGRAPHS:
        argv = ["node", str(HERE / f"{name}_subgraph.mjs"), str(port)]
        env = node_env()
    else:
        argv = [sys.executable, str(HERE / "e2e_subgraphs.py"), name, str(port)]
        env = dict(os.environ)
    return start_service(
        name, argv, env, f"http://127.0.0.1:{port}/health", log_dir / f"{name}.log", 60, port=port
    )


def _sdl(service: Service) -> str:
    body = json.dumps({"query": "{ _service { sdl } }"}).encode()
    request = urllib.request.Request(
        f"{service.url}/graphql", data=body, headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        sdl: str = json.loads(response.read())["data"]["_service"]["sdl"]
    # The reference composer knows federation up to v2.9; Strawberry links v2.11, which adds
    # nothing these subgraphs use.
    return re.sub(r"(https://specs\.apollo\.dev/federation/)v2\.1\d\b", r"\1v2.9", sdl)


def compose(services: dict[str, Service]) -> str:
    payload = [
        {"name": name, "url": f"{s.url}/graphql", "sdl": _sdl(s)} for name, s in services.items()
    ]
    completed = subprocess.run(
        ["node", str(ROOT / "tools" / "npm" / "compose.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env=node_env(),
        check=True,
        timeout=120,
    )
    result = json.loads(completed.stdout)
    assert result["ok"], result
    sdl: str = result["supergraphSdl"]
    return sdl


async def run(gateway: Gateway, query: str, **kwargs: Any) -> dict[str, Any]:
    """The response body our gateway gives for `query`."""
    headers = kwargs.pop("headers", {})
    result = await gateway.execute(GraphQLRequest(query=query, **kwargs), headers)
    return result.body


def fetches_per_service(node: PlanNode | None) -> Counter[str]:
    counts: Counter[str] = Counter()
    match node:
        case FetchNode(service_name=name):
            counts[name] += 1
        case FlattenNode(node=inner):
            counts += fetches_per_service(inner)
        case SequenceNode(nodes=nodes) | ParallelNode(nodes=nodes):
            for child in nodes:
                counts += fetches_per_service(child)
        case ConditionNode(if_clause=a, else_clause=b):
            counts += fetches_per_service(a) + fetches_per_service(b)
    return counts


def apollo(url: str, query: str, variables: dict[str, Any] | None) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, Any] = json.loads(response.read())
    except urllib.error.HTTPError as refused:  # a planning failure is a 500 with a body
        answer = json.loads(refused.read())
    return answer


def assert_random_queries_agree(
    supergraph: Supergraph, apollo_url: str, *, examples: int, fields: list[str] | None = None
) -> None:
    """Random valid queries must give the same `data` (and error or not) as Apollo Gateway."""
    loop = asyncio.new_event_loop()  # hypothesis drives a synchronous function
    urls = {name: info.url for name, info in supergraph.subgraphs.items()}
    transport = HttpTransport(HttpTransportOptions(urls=urls, default_timeout=5.0))
    gateway = Gateway(supergraph, transport)
    queries = hypothesis_graphql.queries(print_schema(supergraph.api_schema), fields=fields)

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(query=queries)
    def check(query: str) -> None:
        ours = loop.run_until_complete(run(gateway, query))
        theirs = apollo(apollo_url, query, None)
        assert json.dumps(ours.get("data")) == json.dumps(theirs.get("data")), query
        assert bool(ours.get("errors")) == bool(theirs.get("errors")), (query, ours, theirs)

    try:
        check()
    finally:
        loop.run_until_complete(transport.close())
        loop.close()
