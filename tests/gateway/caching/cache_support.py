"""The entity-cache test stack: the two subgraphs of `cache_subgraphs.py` and gateway processes."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from devstack.processes import Service, free_port, start_service
from gateway.composition import CompositionFailure, SubgraphSource, compose
from tests.gateway.caching import cache_subgraphs
from tests.gateway.server.server_support import (
    START_TIMEOUT,
    call,
    post_json,
    python_env,
    start_gateway_process,
)

HERE = Path(__file__).resolve().parent
SECRET = "invalidate-me"
ALICE = {"authorization": "Bearer alice"}
BOB = {"authorization": "Bearer bob"}
USER_TAG = (
    '@join__directive(graphs: [ACCOUNTS], name: "federation__cacheTag", args: {format: "%s"})'
)
JOIN_DIRECTIVE = (
    "\ndirective @join__directive(graphs: [join__Graph!], name: String!,"
    " args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE"
    " | FIELD_DEFINITION\n\nscalar join__DirectiveArguments\n"
)


def start_subgraphs(log_dir: Path) -> Service:
    port = free_port()
    argv = [sys.executable, str(HERE / "cache_subgraphs.py"), str(port)]
    health = f"http://127.0.0.1:{port}/health"
    log = log_dir / "cache-subgraphs.log"
    return start_service(
        "cache-subgraphs", argv, python_env(), health, log, START_TIMEOUT, port=port
    )


def supergraph(subgraphs: Service) -> str:
    """Composed by our composer, with accounts applying `@cacheTag` (Federation 2.12):
    `User @cacheTag(format: "user-{$key.id}")` and `Query.user @cacheTag(format:
    "user-{$args.id}")`."""
    base = f"http://127.0.0.1:{subgraphs.port}"
    sources = [
        SubgraphSource(name="accounts", routing_url=f"{base}/accounts/", sdl=accounts_sdl()),
        SubgraphSource(
            name="reviews", routing_url=f"{base}/reviews/", sdl=cache_subgraphs.reviews.as_str()
        ),
    ]
    result = compose(sources)
    assert not isinstance(result, CompositionFailure), str(result)
    return result.supergraph_sdl


def accounts_sdl() -> str:
    """Strawberry's SDL for accounts with `@cacheTag` added (Strawberry has no such directive)."""
    sdl = cache_subgraphs.accounts.as_str()
    for old, new in (
        ('federation/v2.11", import: ["@key"]', 'federation/v2.12", import: ["@key", "@cacheTag"]'),
        (
            'type User @key(fields: "id")',
            'type User @key(fields: "id") @cacheTag(format: "user-{$key.id}")',
        ),
        ("user(id: ID!): User", 'user(id: ID!): User @cacheTag(format: "user-{$args.id}")'),
    ):
        assert old in sdl, old
        sdl = sdl.replace(old, new, 1)
    return sdl


def cache_env(**extra: str) -> dict[str, str]:
    return {
        "GATEWAY_ENTITY_CACHE_ENABLED": "true",
        "GATEWAY_ENTITY_CACHE_DEBUG": "true",
        "GATEWAY_ENTITY_CACHE_PRIVATE_ID": "header:authorization",
        "GATEWAY_ENTITY_CACHE_INVALIDATION_KEY": SECRET,
        "GATEWAY_FORWARD_HEADERS": "authorization",
        "GATEWAY_METRICS_ENABLED": "true",
        **extra,
    }


def start_gateway(supergraph_file: Path, log: Path, env: Mapping[str, str]) -> Service:
    return start_gateway_process(["--supergraph", str(supergraph_file)], log, env)


def ask(gateway: Service, query: str, headers: Mapping[str, str] | None = None) -> Any:
    answer = post_json(gateway.port, {"query": query}, headers=headers).json()
    assert "errors" not in answer, answer
    return answer


def counts(subgraphs: Service) -> dict[str, int]:
    result: dict[str, int] = call(subgraphs.port, "GET", "/counts").json()
    return result


def control(subgraphs: Service, cache_control: str | None) -> None:
    """Set accounts' Cache-Control and zero its counts."""
    body = orjson.dumps({"cache_control": cache_control})
    call(subgraphs.port, "POST", "/control", body, {"content-type": "application/json"})


def rename(subgraphs: Service, user: str, name: str) -> None:
    body = orjson.dumps({"id": user, "name": name})
    call(subgraphs.port, "POST", "/rename", body, {"content-type": "application/json"})


def invalidate(gateway: Service, body: object, key: str = SECRET) -> Any:
    headers = {"content-type": "application/json", "authorization": key}
    return call(gateway.port, "POST", "/invalidation", orjson.dumps(body), headers)
