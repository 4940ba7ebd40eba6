"""Our own gateway's supergraph stage loads every supergraph we compose, with the same API.

The one refusal allowed is the one @apollo/gateway makes too: the router-only security specs
(`@authenticated`, `@requiresScopes`, `@policy`) until the gateway enforces them.
"""

from __future__ import annotations

import pytest
from graphql import (
    DirectiveDefinitionNode,
    DocumentNode,
    lexicographic_sort_schema,
    parse,
    print_ast,
    print_schema,
)

from gateway.composition import CompositionSuccess, compose
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.composition.composition_support import (
    api_schema,
    expected_codes,
    fixture_sets,
    load_set,
)

VALID = [s for s in fixture_sets() if expected_codes(s) is None]
_ROUTER_ONLY = ("authenticated/v0.1", "requiresScopes/v0.1", "policy/v0.1")


@pytest.mark.parametrize("name", VALID)
def test_our_gateway_loads_our_supergraph(name: str) -> None:
    composed = compose(load_set(name))
    assert isinstance(composed, CompositionSuccess), str(composed)
    loaded = load_supergraph(composed.supergraph_sdl)
    if not isinstance(loaded, Supergraph):
        for problem in loaded.problems:
            assert problem.code == "UNSUPPORTED_FEATURE", problem
            assert any(spec in problem.message for spec in _ROUTER_ONLY), problem
        return
    assert set(loaded.subgraphs) == {s.name for s in load_set(name)}
    served = print_schema(lexicographic_sort_schema(loaded.api_schema))
    assert _types_only(served) == _types_only(api_schema(composed.supergraph_sdl))


def _types_only(sdl: str) -> str:
    """The printed schema without directive definitions (which feature directives the API schema
    keeps is the loader's choice, not composition's)."""
    document = parse(sdl, no_location=True)
    kept = tuple(d for d in document.definitions if not isinstance(d, DirectiveDefinitionNode))
    return print_ast(DocumentNode(definitions=kept))
