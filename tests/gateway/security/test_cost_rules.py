"""Demand-control cost rules on small supergraphs, as pure functions (no sockets)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from gateway.composition import CompositionSuccess, SubgraphSource, compose
from gateway.security.cost import CostEstimate, estimate_cost
from gateway.security.cost_actual import actual_cost
from gateway.supergraph import Supergraph, load_supergraph

ROOT = Path(__file__).resolve().parents[3]
SUPERGRAPHS = ROOT / "tests" / "fixtures" / "supergraphs"
LISTSIZE = (SUPERGRAPHS / "cost-listsize.graphql").read_text()


def load(sdl: str) -> Supergraph:
    loaded = load_supergraph(sdl)
    assert isinstance(loaded, Supergraph), str(loaded)
    return loaded


def cost(graph: Supergraph, query: str, variables: Mapping[str, Any] | None = None) -> int:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return estimate_cost(graph, fragments, operation, variables, 10).cost


def renamed_listsize() -> str:
    """The cost-listsize supergraph with `@cost`/`@listSize` imported as `@weight`/`@size`."""
    sdl = LISTSIZE.replace("@cost(", "@weight(").replace("@listSize(", "@size(")
    sdl = sdl.replace("directive @cost", "directive @weight")
    sdl = sdl.replace("directive @listSize", "directive @size")
    return sdl.replace(
        'import: ["@listSize"]',
        'import: [{name: "@cost", as: "@weight"}, {name: "@listSize", as: "@size"}]',
    )


def test_renamed_cost_directives_cost_the_same() -> None:
    plain, renamed = load(LISTSIZE), load(renamed_listsize())
    assert "@cost(" not in renamed_listsize()
    for query in (
        "{ items(first: 3) { id tags score } }",
        "{ expensive }",
        "{ items { tags } }",
    ):
        assert cost(renamed, query) == cost(plain, query), query
    assert cost(renamed, "{ expensive }") == 20
    assert cost(renamed, "{ items(first: 3) { id score } }") == 3 * (5 + 2)


DEMAND = load((SUPERGRAPHS / "cost-demand-control.graphql").read_text())


def estimate(query: str, variables: Mapping[str, Any] | None = None) -> CostEstimate:
    operation, fragments = _operation(query)
    return estimate_cost(DEMAND, fragments, operation, variables, 10)


def measured(query: str, data: Any) -> int:
    operation, fragments = _operation(query)
    return actual_cost(DEMAND, fragments, operation, None, data)


def _operation(query: str) -> tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode]]:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return operation, fragments


def test_objects_cost_one_scalars_nothing_lists_their_size() -> None:
    assert estimate("{ search { id } }").cost == 5  # assumedSize 5 x Item 1
    assert estimate("{ strict(first: 4) { price } }").cost == 4 * (1 + 4)  # @cost on price
    assert estimate("{ item(id: 1) { id tags } }").cost == 1


def test_arguments_and_input_fields_cost_their_weight() -> None:
    assert estimate('{ search(text: "x") { id } }').cost == 5 + 3
    # the Filter object 1, two tags at 2 each, the Range object 1
    query = '{ search(filter: {tags: ["a", "b"], range: {min: 1}}) { id } }'
    assert estimate(query).cost == 5 + 1 + 4 + 1
    by_variable = "query Q($f: Filter) { search(filter: $f) { id } }"
    assert estimate(by_variable, {"f": {"tags": ["a"]}}).cost == 5 + 1 + 2
    assert estimate(by_variable, {"f": None}).cost == 5
    assert estimate(
        "{ item(id: 1) { id } users(first: 1) { nodes { rank(weighted: true) } } }"
    ).cost == (1 + 1 + 1 * (1 + 7))


def test_mutations_cost_ten_once() -> None:
    assert estimate('mutation { addItem(input: {tags: ["a"]}) { id } }').cost == 10 + 1 + 1 + 2


def test_sized_fields_take_the_slicing_argument() -> None:
    query = "{ users(first: 3) { edges { node { id } } nodes { id } total } }"
    # the connection 1, 3 edges (1 + its node 1), 3 nodes (1)
    assert estimate(query).cost == 1 + 3 * 2 + 3 * 1


def test_require_one_slicing_argument() -> None:
    assert estimate("{ users(first: 3) { total } }").problems == ()
    assert estimate("{ users(first: 3, last: 2) { total } }").problems
    (problem,) = estimate("{ users { total } }").problems
    assert "Query.users" in problem
    assert "first, last" in problem
    assert estimate("{ page { id } }").problems == ()  # requireOneSlicingArgument: false
    assert estimate("{ page { id } }").cost == 10  # the default list size
    assert estimate('{ page(first: 2, after: "x") { id } }').cost == 2


def test_skipped_fields_cost_nothing() -> None:
    query = "query Q($no: Boolean!) { search @skip(if: $no) { id } item(id: 1) { id } }"
    assert estimate(query, {"no": True}).cost == 1
    assert estimate(query, {"no": False}).cost == 6
    assert estimate("{ search @include(if: false) { id } }").cost == 0


def test_actual_cost_counts_what_came_back() -> None:
    query = "{ search { id price } }"
    data = {"search": [{"id": "1", "price": 3}, {"id": "2", "price": None}]}
    assert estimate(query).cost == 5 * (1 + 4)
    assert measured(query, data) == (1 + 4) + (1 + 0)
    assert measured(query, {"search": []}) == 0
    connection = "{ users(first: 5) { edges { node { id } } } }"
    edges = {"users": {"edges": [{"node": {"id": "1"}}, {"node": {"id": "2"}}]}}
    assert measured(connection, edges) == 1 + 2 * (1 + 1)
    aliased = "{ a: item(id: 1) { id } b: item(id: 2) { id } }"
    assert measured(aliased, {"a": {"id": "1"}, "b": None}) == 1
    assert (
        measured('mutation { addItem(input: {tags: ["a"]}) { id } }', {"addItem": None}) == 10 + 3
    )


REQUIRES_SUBGRAPHS = {
    "products": """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",
  import: ["@key", "@shareable", "@cost", "@listSize"])
type Query {
  products(first: Int): [Product!]! @listSize(slicingArguments: ["first"])
}
type Product @key(fields: "id") { id: ID! weight: Int dimensions: Dimensions @shareable }
type Dimensions @shareable { size: Int @cost(weight: 3) }
""",
    "shipping": """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",
  import: ["@key", "@shareable", "@external", "@requires", "@cost"])
type Product @key(fields: "id") {
  id: ID!
  weight: Int @external
  dimensions: Dimensions @external
  shippingEstimate: Int @requires(fields: "weight dimensions { size }") @cost(weight: 4)
}
type Dimensions @shareable { size: Int @cost(weight: 3) }
""",
}


def _requires_supergraph() -> Supergraph:
    composed = compose(
        [
            SubgraphSource(name=name, routing_url=f"http://127.0.0.1:1/{name}", sdl=sdl)
            for name, sdl in REQUIRES_SUBGRAPHS.items()
        ]
    )
    assert isinstance(composed, CompositionSuccess), str(composed)
    return load(composed.supergraph_sdl)


def test_requires_selection_is_costed_once_per_parent() -> None:
    """Apollo Router's rule: count * (type cost + children) + arguments + requirements, the
    requirements costed on the parent. Each of the 5 products: the object 1, plus
    `shippingEstimate` (its `@cost` 4, plus its requirement `weight` 0 + `dimensions` 1 +
    `size` 3 = 4) = 9; 5 * 9 = 45. Without the requirement it would be 5 * (1 + 4) = 25."""
    graph = _requires_supergraph()
    assert cost(graph, "{ products(first: 5) { shippingEstimate } }") == 45
    # Selecting the required fields too counts them as the client's, and the requirement again
    # (Apollo does the same: it cannot know the planner will fetch them once).
    assert cost(graph, "{ products(first: 5) { weight shippingEstimate } }") == 45
    assert cost(graph, "{ products(first: 5) { id weight } }") == 5


def test_actual_cost_does_not_add_requirements() -> None:
    """The response holds what was fetched; requirements are an estimate's concern only."""
    graph = _requires_supergraph()
    operation, fragments = _operation("{ products(first: 5) { shippingEstimate } }")
    data = {"products": [{"shippingEstimate": 1}, {"shippingEstimate": 2}]}
    assert actual_cost(graph, fragments, operation, None, data) == 2 * (1 + 4)
