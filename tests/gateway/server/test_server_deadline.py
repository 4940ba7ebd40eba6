"""The request deadline: a subgraph that answers after 40 s never holds the client that long.

A real gateway process serves the `people` subgraph and a `moods` subgraph process that takes
40 s per answer. With a 2 s request deadline (the subgraph timeout stays at its 30 s default),
the client gets the person's name at once, a null mood and a GATEWAY_TIMEOUT error naming the
slow subgraph, within a few seconds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import Service, free_port, start_service
from gateway.composition import CompositionFailure, SubgraphSource, compose
from tests.gateway.server import server_subgraph, slow_subgraph
from tests.gateway.server.server_support import (
    HERE,
    START_TIMEOUT,
    post_json,
    python_env,
    start_gateway_process,
)

pytestmark = pytest.mark.integration

SLOW_SECONDS = 40
DEADLINE = 2.0
QUERY = '{ person(id: "1") { name mood } }'


@pytest.fixture(scope="module")
def moods_subgraph(server_dir: Path) -> Iterator[Service]:
    port = free_port()
    argv = [sys.executable, str(HERE / "slow_subgraph.py"), str(port), str(SLOW_SECONDS)]
    service = start_service(
        "moods",
        argv,
        python_env(),
        f"http://127.0.0.1:{port}/health",
        server_dir / "moods.log",
        START_TIMEOUT,
        port=port,
    )
    try:
        yield service
    finally:
        service.stop(grace=2)  # it may still be holding a 40 s request


def _supergraph(people: Service, moods: Service) -> str:
    sources = [
        SubgraphSource(
            name="people", routing_url=f"{people.url}/graphql", sdl=server_subgraph.schema.as_str()
        ),
        SubgraphSource(
            name="moods", routing_url=f"{moods.url}/graphql", sdl=slow_subgraph.schema.as_str()
        ),
    ]
    result = compose(sources)
    assert not isinstance(result, CompositionFailure), str(result)
    return result.supergraph_sdl


@pytest.fixture(scope="module")
def deadline_gateway(
    people_subgraph: Service, moods_subgraph: Service, server_dir: Path
) -> Iterator[Service]:
    path = server_dir / "supergraph-slow.graphql"
    path.write_text(_supergraph(people_subgraph, moods_subgraph), encoding="utf-8")
    args = ["--supergraph", str(path), "--request-timeout", str(DEADLINE)]
    service = start_gateway_process(args, server_dir / "gateway-deadline.log")
    try:
        yield service
    finally:
        service.stop()


def test_a_40s_subgraph_gives_partial_data_and_gateway_timeout(deadline_gateway: Service) -> None:
    started = time.monotonic()
    reply = post_json(deadline_gateway.port, {"query": QUERY})
    elapsed = time.monotonic() - started
    body = reply.json()
    assert elapsed < DEADLINE + 6, elapsed  # far below the 30 s subgraph timeout and 40 s reply
    assert reply.status == 200
    assert body["data"] == {"person": {"name": "Ada Lovelace", "mood": None}}
    [error] = body["errors"]
    assert error["extensions"] == {"code": "GATEWAY_TIMEOUT", "serviceName": "moods"}
    assert error["path"][0] == "person"
    assert "moods" in error["message"]


def test_the_gateway_still_answers_fast_fields_after_a_deadline(
    deadline_gateway: Service,
) -> None:
    post_json(deadline_gateway.port, {"query": QUERY})
    started = time.monotonic()
    reply = post_json(deadline_gateway.port, {"query": '{ person(id: "2") { name } }'})
    assert reply.json() == {"data": {"person": {"name": "Grace Hopper"}}}
    assert time.monotonic() - started < DEADLINE
