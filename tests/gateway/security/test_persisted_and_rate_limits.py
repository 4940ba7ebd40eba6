"""Trusted documents, APQ and per-client rate limits through real gateway processes.

The shared-state tests run two gateway processes against one real `redis-server` that the test
starts on a free port (and stops, by PID): a document registered through one replica is found
by the other, and requests to both replicas count against one limit.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.processes import Service
from devstack.redis_server import RedisServer
from tests.gateway.security.security_support import JSON, Reply, Stack, call, launch_gateway

pytestmark = pytest.mark.integration

QUERY = "{ __typename }"
OTHER = 'query Other { whatsAppStatus(id: "1") { id } }'


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def send(
    gateway: Service,
    query: str | None = None,
    digest: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    body: dict[str, Any] = {}
    if query is not None:
        body["query"] = query
    if digest is not None:
        body["extensions"] = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    sent = {"content-type": JSON, "accept": JSON, **(headers or {})}
    return call(f"{gateway.url}/graphql", body=json.dumps(body).encode(), headers=sent)


@pytest.fixture(scope="module")
def redis_url(security_stack: Stack) -> Iterator[str]:
    server = RedisServer(security_stack.log_dir / "redis.log").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def replicas(security_stack: Stack, redis_url: str) -> Iterator[tuple[Service, Service]]:
    settings = {
        "GATEWAY_REDIS_URL": redis_url,
        "GATEWAY_RATE_LIMIT_REQUESTS": "5",
        "GATEWAY_RATE_LIMIT_WINDOW": "3600",
    }
    first = launch_gateway(security_stack, "replica-1", settings)
    try:
        second = launch_gateway(security_stack, "replica-2", settings)
    except BaseException:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()


@pytest.fixture(scope="module")
def single(security_stack: Stack) -> Iterator[Service]:
    settings = {"GATEWAY_RATE_LIMIT_REQUESTS": "2", "GATEWAY_RATE_LIMIT_WINDOW": "3600"}
    service = launch_gateway(security_stack, "single", settings)
    yield service
    service.stop()


@pytest.fixture(scope="module")
def trusted(security_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    manifest: Path = tmp_path_factory.mktemp("manifest") / "persisted-queries.json"
    operations = [
        {"id": "typename-v1", "name": "T", "type": "query", "body": QUERY},
        {"id": sha(OTHER), "name": "Other", "type": "query", "body": OTHER},
    ]
    manifest.write_text(json.dumps({"format": "apollo-persisted-query-manifest", "version": 1,
                                    "operations": operations}))  # fmt: skip
    settings = {"GATEWAY_PERSISTED_MANIFEST": str(manifest), "GATEWAY_PERSISTED_SAFELIST": "1"}
    service = launch_gateway(security_stack, "trusted", settings)
    yield service
    service.stop()


def test_apq_round_trip_shared_by_two_replicas(replicas: tuple[Service, Service]) -> None:
    first, second = replicas
    query = "query Apq { __typename }"
    client = {"x-client-id": "apq-client"}
    missing = send(first, digest=sha(query), headers=client)
    assert missing.codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert missing.body["errors"][0]["message"] == "PersistedQueryNotFound"
    registered = send(first, query, sha(query), headers=client)
    assert registered.body == {"data": {"__typename": "Query"}}
    assert send(second, digest=sha(query), headers=client).body == {"data": {"__typename": "Query"}}


def test_apq_hash_must_match(single: Service) -> None:
    reply = send(single, QUERY, sha("something else"), headers={"x-client-id": "mismatch"})
    assert reply.codes == ["PERSISTED_QUERY_HASH_MISMATCH"]


def test_apq_in_memory_on_one_gateway(single: Service) -> None:
    query = "query Mem { __typename }"
    client = {"x-client-id": "memory"}
    assert send(single, digest=sha(query), headers=client).codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert send(single, query, sha(query), headers=client).body == {"data": {"__typename": "Query"}}


def test_trusted_documents_run_by_id(trusted: Service) -> None:
    assert send(trusted, digest="typename-v1").body == {"data": {"__typename": "Query"}}
    other = send(trusted, digest=sha(OTHER))
    assert other.status == 200
    assert "whatsAppStatus" in other.body["data"]


def test_only_trusted_documents_run(trusted: Service) -> None:
    assert send(trusted, digest="not-in-the-list").codes == ["PERSISTED_QUERY_NOT_IN_LIST"]
    assert send(trusted, "{ __typename __typename }").codes == ["QUERY_NOT_IN_SAFELIST"]
    query = "query New { __typename }"
    assert send(trusted, query, sha(query)).codes == ["QUERY_NOT_IN_SAFELIST"]  # no APQ around it
    assert send(trusted, QUERY).body == {"data": {"__typename": "Query"}}  # the exact text


def wait_away_from_window_edge(window: int = 3600, margin: float = 20.0) -> None:
    """Fixed windows start on multiples of `window`; do not straddle one (bounded wait)."""
    left = window - time.time() % window
    if left < margin:
        time.sleep(left + 0.5)


def test_rate_limit_is_shared_by_two_replicas(replicas: tuple[Service, Service]) -> None:
    first, second = replicas
    wait_away_from_window_edge()
    client = {"x-client-id": "partner-shared"}
    answered = [send(gw, QUERY, headers=client) for gw in (first, second, first, second, first)]
    assert [r.status for r in answered] == [200] * 5
    over = send(second, QUERY, headers=client)
    assert over.status == 429
    assert over.codes == ["RATE_LIMITED"]
    assert 1 <= int(over.headers["retry-after"]) <= 3601
    assert send(first, QUERY, headers=client).status == 429
    assert send(first, QUERY, headers={"x-client-id": "someone-else"}).status == 200


def test_rate_limit_in_memory(single: Service) -> None:
    wait_away_from_window_edge()
    client = {"x-client-id": "partner-memory"}
    assert [send(single, QUERY, headers=client).status for _ in range(3)] == [200, 200, 429]
