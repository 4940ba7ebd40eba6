"""`@link` renames, legacy join v0.1 supergraphs and `@join__owner`."""

from __future__ import annotations

from pathlib import Path

from graphql import print_schema

from gateway.supergraph import Supergraph, load_supergraph

LOADER = Path(__file__).resolve().parents[2] / "fixtures" / "supergraphs" / "loader"
RENAMED = (LOADER / "renamed.graphql").read_text()
LEGACY = (LOADER / "legacy-join-v0.1.graphql").read_text()


def test_renamed_join_and_imported_inaccessible() -> None:
    graph = load_supergraph(RENAMED)
    assert isinstance(graph, Supergraph), str(graph)
    assert set(graph.subgraphs) == {"a", "b"}
    assert graph.types["User"].fields["secret"].graphs.keys() == {"b"}
    printed = print_schema(graph.api_schema)
    assert "secret" not in printed
    for machinery in ("j__", "link__", "@hidden", "@link"):
        assert machinery not in printed
    assert '"""A person."""' in printed
    assert '@deprecated(reason: "use name")' in printed


def test_legacy_core_and_join_owner() -> None:
    graph = load_supergraph(LEGACY)
    assert isinstance(graph, Supergraph), str(graph)
    user = graph.types["User"]
    assert set(user.fields["name"].graphs) == {"accounts"}
    assert set(user.fields["reviews"].graphs) == {"reviews"}
    assert set(graph.types["Review"].graphs) == {"accounts", "reviews"}
    assert "core__" not in print_schema(graph.api_schema)
