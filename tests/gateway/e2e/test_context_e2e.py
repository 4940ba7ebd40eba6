"""`@context`/`@fromContext` end to end: our composer, planner and executor in front of real
`@apollo/subgraph` subgraphs (`context_subgraphs.mjs`).

The answers are written from the spec: a contextual argument takes its value from the nearest
enclosing object of a type that sets the context. Every owner here shares post `p1` and its
comments, so only the context tells their answers apart. No oracle runs beside ours: Apollo
Gateway refuses supergraphs that link the context spec (only Apollo Router executes them), and
Hive Gateway's Rust planner has no context rewrites; our plans are compared with Apollo's query
planner in `tests/gateway/planner/test_context.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.processes import Service, free_port, start_service
from gateway.composition import CompositionSuccess, SubgraphSource, compose
from gateway.runtime import Gateway
from gateway.supergraph import Supergraph, load_supergraph
from gateway.transports import HttpTransport, HttpTransportOptions
from tests.gateway.e2e.e2e_support import node_env, run
from tests.gateway.e2e.feature_support import get_json

pytestmark = [pytest.mark.node, pytest.mark.integration]

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def context_server(test_output_root: Path) -> Iterator[Service]:
    port = free_port()
    argv = ["node", str(HERE / "context_subgraphs.mjs"), str(port)]
    log = test_output_root / "e2e-context" / "subgraphs.log"
    service = start_service(
        "context", argv, node_env(), f"http://127.0.0.1:{port}/health", log, 60, port=port
    )
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="module")
async def gateway(context_server: Service) -> AsyncIterator[Gateway]:
    sdls: dict[str, str] = get_json(f"{context_server.url}/sdl")
    composed = compose(
        [
            SubgraphSource(name=name, routing_url=f"{context_server.url}/{name}/graphql", sdl=sdl)
            for name, sdl in sdls.items()
        ]
    )
    assert isinstance(composed, CompositionSuccess), str(composed)
    supergraph = load_supergraph(composed.supergraph_sdl)
    assert isinstance(supergraph, Supergraph), supergraph
    urls = {name: info.url for name, info in supergraph.subgraphs.items()}
    transport = HttpTransport(HttpTransportOptions(urls=urls))
    try:
        yield Gateway(supergraph, transport)
    finally:
        await transport.close()


async def _answer(
    server: Service, gateway: Gateway, query: str
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Our answer, and the variables (but representations) of each request it caused."""
    before: dict[str, list[dict[str, Any]]] = get_json(f"{server.url}/requests")
    body = await run(gateway, query)
    after: dict[str, list[dict[str, Any]]] = get_json(f"{server.url}/requests")
    return body, {name: after[name][len(before[name]) :] for name in after}


def _comments(author: str, *, loud: bool = False) -> list[dict[str, str]]:
    texts = [f"{author} wrote {c}" for c in ("c1", "c2")]
    return [{"text": t.upper() if loud else t} for t in texts]


async def test_context_two_fields_up_inside_the_same_subgraph(
    context_server: Service, gateway: Gateway
) -> None:
    """`me` comes from posts, which only knows the user's id: the name is fetched from
    accounts, then the comments' text is asked with it."""
    body, requests = await _answer(
        context_server, gateway, "{ me { post { comments { id text } } } }"
    )
    expected = [{"id": c, "text": f"ada wrote {c}"} for c in ("c1", "c2")]
    assert body == {"data": {"me": {"post": {"comments": expected}}}}
    assert len(requests["accounts"]) == 1
    assert [r for r in requests["posts"] if r] == [{"contextualArgument_2_0": "ada"}]
    assert len(requests["posts"]) == 2  # `me` (with the ids), then the texts


async def test_same_entities_under_two_owner_types(
    context_server: Service, gateway: Gateway
) -> None:
    """The same post and comments, reached from a User and from a Folder, answer with each
    owner's name (read under `... on User` and `... on Folder`); a client argument is kept."""
    query = """{ user { post { comments { text(loud: true) } } }
                 folder { post { comments { text } } } }"""
    body, requests = await _answer(context_server, gateway, query)
    assert body == {
        "data": {
            "user": {"post": {"comments": _comments("ada", loud=True)}},
            "folder": {"post": {"comments": _comments("docs")}},
        }
    }
    assert len(requests["accounts"]) == 1
    assert sorted(_context_values(requests["posts"])) == ["ada", "docs"]


async def test_one_request_per_distinct_context_value(
    context_server: Service, gateway: Gateway
) -> None:
    """Two users in one list: one entity fetch in the plan, sent as one request with an
    `_entities` field per user's name, so each user's (shared) comments carry that name."""
    body, requests = await _answer(
        context_server, gateway, "{ everyone { name post { comments { text } } } }"
    )
    assert body == {
        "data": {
            "everyone": [
                {"name": "ada", "post": {"comments": _comments("ada")}},
                {"name": "grace", "post": {"comments": _comments("grace")}},
            ]
        }
    }
    assert len(requests["accounts"]) == 1
    assert len(requests["posts"]) == 1
    assert sorted(_context_values(requests["posts"])) == ["ada", "grace"]


def _context_values(requests: list[dict[str, Any]]) -> list[Any]:
    return [v for r in requests for k, v in r.items() if k.startswith("contextualArgument_")]


@pytest.mark.parametrize("root", ["me", "user"])
async def test_a_client_alias_on_the_context_field_name_is_kept(
    context_server: Service, gateway: Gateway, root: str
) -> None:
    """The client names `id` `name`; the context still reads the user's real `name`."""
    query = f"{{ {root} {{ name: id post {{ comments {{ text }} }} }} }}"
    body, _ = await _answer(context_server, gateway, query)
    assert body == {"data": {root: {"name": "u1", "post": {"comments": _comments("ada")}}}}
