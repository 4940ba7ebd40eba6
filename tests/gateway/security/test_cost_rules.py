"""Demand-control cost rules on small supergraphs, as pure functions (no sockets)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from gateway.security.cost import estimate_cost
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
    return estimate_cost(graph, fragments, operation, variables, 10)


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
