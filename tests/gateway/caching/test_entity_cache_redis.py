"""The entity cache in Redis, shared by two gateway processes (replicas).

What one replica fetched the other serves without asking the subgraph; an invalidation sent
to either replica is seen by both; private entries stay per person across replicas; and a
Redis that goes away slows the gateway down to uncached answers, never errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import Service
from devstack.redis_server import RedisServer
from tests.gateway.caching.cache_support import (
    ALICE,
    BOB,
    ask,
    cache_env,
    control,
    counts,
    invalidate,
    start_gateway,
)

REVIEWS = "{ reviews { body author { name } } }"
NOTES = "{ reviews { author { note } } }"


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis.log").start()
    yield server
    server.stop()


@pytest.fixture
def replicas(
    subgraphs: Service, supergraph_file: Path, redis: RedisServer, tmp_path: Path
) -> Iterator[tuple[Service, Service]]:
    control(subgraphs, "max-age=60")
    env = cache_env(GATEWAY_ENTITY_CACHE_STORE="redis", GATEWAY_REDIS_URL=redis.url)
    first = start_gateway(supergraph_file, tmp_path / "replica-1.log", env)
    try:
        second = start_gateway(supergraph_file, tmp_path / "replica-2.log", env)
    except BaseException:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()


def test_what_one_replica_fetched_the_other_serves(
    replicas: tuple[Service, Service], subgraphs: Service
) -> None:
    first, second = replicas
    fetched = ask(first, REVIEWS)
    served = ask(second, REVIEWS)
    assert served["data"] == fetched["data"]
    assert counts(subgraphs)["entities"] == 1
    assert served["extensions"]["entityCache"][0] == {
        "subgraph": "accounts",
        "type": "User",
        "hits": 2,
        "misses": 0,
    }


def test_an_invalidation_at_one_replica_reaches_both(
    replicas: tuple[Service, Service], subgraphs: Service
) -> None:
    first, second = replicas
    ask(first, REVIEWS)
    body = [{"kind": "cache_tag", "subgraphs": ["accounts"], "cache_tag": "user-u2"}]
    assert invalidate(second, body).json() == {"count": 1}
    ask(first, REVIEWS)
    assert counts(subgraphs) == {"entities": 2, "representations": 3, "roots": 0}
    body = [{"kind": "type", "subgraph": "accounts", "type": "User"}]
    assert invalidate(first, body).json() == {"count": 2}


def test_private_entries_stay_per_person_across_replicas(
    replicas: tuple[Service, Service], subgraphs: Service
) -> None:
    first, second = replicas
    control(subgraphs, "private, max-age=60")
    alice = ask(first, NOTES, ALICE)["data"]["reviews"][0]["author"]["note"]
    bob = ask(second, NOTES, BOB)["data"]["reviews"][0]["author"]["note"]
    alice_again = ask(second, NOTES, ALICE)["data"]["reviews"][0]["author"]["note"]
    bob_again = ask(first, NOTES, BOB)["data"]["reviews"][0]["author"]["note"]
    assert alice == alice_again == "Ada as seen by Bearer alice"
    assert bob == bob_again == "Ada as seen by Bearer bob"
    assert counts(subgraphs)["entities"] == 2


def test_without_redis_answers_come_from_the_subgraph(
    replicas: tuple[Service, Service], subgraphs: Service, redis: RedisServer
) -> None:
    first, _ = replicas
    redis.stop()
    first_answer = ask(first, REVIEWS)
    ask(first, REVIEWS)
    assert first_answer["data"]["reviews"][0]["author"]["name"] == "Ada"
    assert counts(subgraphs)["entities"] == 2
