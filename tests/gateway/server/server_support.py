"""Helpers for the server tests: a blocking HTTP client and starting gateway processes."""

from __future__ import annotations

import http.client
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from devstack.processes import Service, free_port, start_service
from gateway.composition import CompositionFailure, SubgraphSource, compose
from tests.gateway.server import server_subgraph

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
START_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP answer: status, lower-cased headers and the raw body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def call(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> Reply:
    """One request to 127.0.0.1:`port`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        data = response.read()
        found = {name.lower(): value for name, value in response.getheaders()}
        return Reply(response.status, found, data)
    finally:
        connection.close()


def post_json(
    port: int, payload: object, accept: str | None = None, headers: Mapping[str, str] | None = None
) -> Reply:
    """POST a GraphQL request as JSON."""
    sent = {"content-type": "application/json", **(headers or {})}
    if accept is not None:
        sent["accept"] = accept
    return call(port, "POST", "/graphql", orjson.dumps(payload), sent)


def python_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This interpreter's environment with the repository importable and no GATEWAY_* leaks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def start_people_subgraph(log_dir: Path) -> Service:
    """The tiny Strawberry subgraph of `server_subgraph.py` on a free port."""
    port = free_port()
    argv = [sys.executable, str(HERE / "server_subgraph.py"), str(port)]
    health = f"http://127.0.0.1:{port}/health"
    return start_service(
        "people", argv, python_env(), health, log_dir / "people.log", START_TIMEOUT, port=port
    )


def start_gateway_process(
    args: list[str], log_path: Path, env: Mapping[str, str] | None = None
) -> Service:
    """`python -m gateway serve ARGS --port P --host 127.0.0.1`, ready when /health answers."""
    port = free_port()
    argv = [sys.executable, "-m", "gateway", "serve", *args, "--port", str(port)]
    argv += ["--host", "127.0.0.1"]
    health = f"http://127.0.0.1:{port}/health"
    return start_service(
        "gateway", argv, python_env(env), health, log_path, START_TIMEOUT, port=port
    )


def people_supergraph(subgraph_url: str) -> str:
    """The supergraph of the one `people` subgraph, composed by our own composer."""
    sdl = server_subgraph.schema.as_str()
    source = SubgraphSource(name="people", routing_url=subgraph_url, sdl=sdl)
    result = compose([source])
    assert not isinstance(result, CompositionFailure), str(result)
    return result.supergraph_sdl
