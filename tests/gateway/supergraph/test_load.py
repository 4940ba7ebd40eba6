"""Loading join-spec supergraphs into per-subgraph facts."""

from __future__ import annotations

from pathlib import Path

from graphql import print_ast

from gateway.supergraph import Supergraph, SupergraphProblems, load_supergraph

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "supergraphs"


def _load(name: str) -> Supergraph:
    loaded = load_supergraph((FIXTURES / f"{name}.graphql").read_text())
    assert isinstance(loaded, Supergraph), str(loaded)
    return loaded


def test_every_fixture_loads() -> None:
    failures = {}
    for path in sorted(FIXTURES.glob("*.graphql")):
        if path.name.endswith("-query.graphql"):
            continue
        loaded = load_supergraph(path.read_text())
        if isinstance(loaded, SupergraphProblems):
            failures[path.name] = str(loaded)
    assert failures == {}


def test_subgraphs_and_urls() -> None:
    graph = _load("bench")
    assert {name: info.url for name, info in graph.subgraphs.items()} == {
        "accounts": "http://accounts.local/graphql",
        "inventory": "http://inventory.local/graphql",
        "products": "http://products.local/graphql",
        "reviews": "http://reviews.local/graphql",
    }
    assert graph.subgraphs["reviews"].enum_value == "REVIEWS"
    assert graph.root_types == {"query": "Query"}


def test_keys_requires_provides_external() -> None:
    graph = _load("bench")
    product = graph.types["Product"]
    assert [(k.graph, k.fields, k.resolvable) for k in product.keys] == [
        ("inventory", "upc", True),
        ("products", "upc", True),
        ("reviews", "upc", True),
    ]
    estimate = product.fields["shippingEstimate"].graphs["inventory"]
    assert estimate.requires_text == "price weight"
    assert product.fields["price"].graphs["inventory"].external
    assert not product.fields["price"].graphs["products"].external
    author = graph.types["Review"].fields["author"].graphs["reviews"]
    assert author.provides is not None
    assert [print_ast(s) for s in author.provides.selections] == ["username"]


def test_unresolvable_key() -> None:
    user = _load("keys-unresolvable").types["User"]
    assert {(k.graph, k.resolvable) for k in user.keys} == {("reviews", False), ("users", True)}


def test_override_and_progressive_labels() -> None:
    amount = _load("override-progressive").types["Bill"].fields["amount"].graphs
    assert amount["new"].override_from == "old"
    assert amount["new"].override_label == "percent(25)"
    assert amount["old"].override_label == "percent(25)"
    assert amount["old"].override_from is None
    moved = _load("override-used").types["Bill"].fields["currency"].graphs
    assert set(moved) == {"new"}


def test_interface_objects_implements_and_union_members() -> None:
    graph = _load("interface-object")
    media = graph.types["Media"].graphs
    assert media["reviews"].is_interface_object
    assert not media["media"].is_interface_object
    assert graph.types["Book"].implements == {"media": ("Media",)}
    assert graph.types["Book"].fields["reviews"].graphs == {}
    union = _load("abstract-union").types["SearchResult"]
    assert union.union_members == {"a": ("Book", "Author"), "b": ("Book", "Magazine")}


def test_fields_without_join_field_belong_to_every_graph_of_the_type() -> None:
    graph = _load("bench")
    assert set(graph.types["Product"].fields["upc"].graphs) == {"inventory", "products", "reviews"}
    assert set(graph.types["Review"].fields["body"].graphs) == {"reviews"}


def test_subgraph_specific_field_types() -> None:
    graph = _load("field-type-nullability")
    name = graph.types["T"].fields["name"]
    assert name.type == "String"
    assert name.graphs["a"].type == "String!"
    assert name.graphs["b"].type == "String"
