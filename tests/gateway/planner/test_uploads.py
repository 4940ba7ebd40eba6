"""Which fetches may carry files (`planner/uploads.py`): Apollo Router's streaming rules."""

from __future__ import annotations

import pytest

from gateway.composition import CompositionSuccess, SubgraphSource, compose
from gateway.planner import build_query_plan, upload_refusal
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.planner.support import prepare

ACCOUNTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
scalar Upload
type Query { me: Person }
type Mutation { uploadAvatar(file: Upload): Person }
type Person @key(fields: "id") { id: ID! name: String }
"""
MEDIA = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
scalar Upload
type Query { scan(file: Upload!): Int }
type Person @key(fields: "id") { id: ID! sticker(file: Upload): String }
"""


@pytest.fixture(scope="module")
def graph() -> Supergraph:
    composed = compose(
        [
            SubgraphSource(name=n, routing_url=f"http://127.0.0.1:1/{n}", sdl=s)
            for n, s in (("accounts", ACCOUNTS), ("media", MEDIA))
        ]
    )
    assert isinstance(composed, CompositionSuccess), str(composed)
    loaded = load_supergraph(composed.supergraph_sdl)
    assert isinstance(loaded, Supergraph)
    return loaded


def refusal(graph: Supergraph, query: str) -> str | None:
    plan = build_query_plan(graph, prepare(graph, query))
    return upload_refusal(plan, frozenset({"f"}))


def test_a_root_field_takes_the_file(graph: Supergraph) -> None:
    query = "mutation ($f: Upload) { uploadAvatar(file: $f) { name } }"
    assert refusal(graph, query) is None


def test_a_file_for_a_later_entity_fetch_is_refused(graph: Supergraph) -> None:
    query = "mutation ($f: Upload) { uploadAvatar(file: $f) { sticker(file: $f) } }"
    message = refusal(graph, query)
    assert message is not None
    assert "root field" in message


def test_a_file_for_two_fetches_is_refused(graph: Supergraph) -> None:
    query = "query ($f: Upload!) { me { name } scan(file: $f) again: scan(file: $f) }"
    assert refusal(graph, query) is None  # one fetch to media takes both selections
    query = "query ($f: Upload!) { scan(file: $f) me { sticker(file: $f) } }"
    assert refusal(graph, query) is not None


def test_variables_without_files_are_not_looked_at(graph: Supergraph) -> None:
    query = "mutation ($f: Upload) { uploadAvatar(file: $f) { sticker(file: $f) } }"
    plan = build_query_plan(graph, prepare(graph, query))
    assert upload_refusal(plan, frozenset()) is None
