"""`@defer` in the client's operation: validation against the API schema, and the split into
the marked operation, the primary one and one slice per deferred fragment."""

from __future__ import annotations

from graphql import print_ast

from gateway.operation import (
    OperationErrors,
    defer_variables,
    has_defer,
    prepare_operation,
    split_defers,
)
from tests.gateway.planner.support import prepare, supergraph

QUERY = """
query ($d: Boolean!) {
  me {
    displayName
    ...Social @defer(label: "social")
  }
}
fragment Social on Person {
  facebook { name }
  ... @defer(if: $d) { whatsapp { phoneNumber } }
}
"""


def _text(node: object) -> str:
    return " ".join(print_ast(node).split())  # type: ignore[arg-type]


def test_the_api_schema_declares_defer_as_apollo_router_does() -> None:
    graph = supergraph("keys-entity-stub")
    directive = graph.api_schema.get_directive("defer")
    assert directive is not None
    assert set(directive.args) == {"label", "if"}
    assert str(directive.args["if"].type) == "Boolean!"
    assert directive.args["if"].default_value is True
    assert {str(location.name) for location in directive.locations} == {
        "FRAGMENT_SPREAD",
        "INLINE_FRAGMENT",
    }
    wrong = prepare_operation(graph.api_schema, "{ me @defer { id } }", None)
    assert isinstance(wrong, OperationErrors)


def test_defer_is_found_with_its_variables() -> None:
    graph = supergraph("keys-entity-stub")
    prepared = prepare(graph, QUERY)
    assert has_defer(prepared)
    assert defer_variables(prepared) == ("d",)
    assert not has_defer(prepare(graph, "{ me { displayName } }"))


def test_split_gives_the_primary_operation_and_one_slice_per_fragment() -> None:
    split = split_defers(prepare(supergraph("keys-entity-stub"), QUERY), {"d": True})
    assert _text(split.primary.operation) == ("query ($d: Boolean!) { me { displayName } }")
    social, whatsapp = split.blocks
    assert (social.id, social.label, social.parent) == (0, "social", None)
    assert (whatsapp.id, whatsapp.label, whatsapp.parent) == (1, None, 0)
    assert _text(social.slice.operation) == (
        "query ($d: Boolean!) { me { ... on Person { facebook { name } } } }"
    )
    assert _text(whatsapp.slice.operation) == (
        "query ($d: Boolean!) { me { ... on Person { ... { whatsapp { phoneNumber } } } } }"
    )
    marked = _text(split.planned.operation)
    assert '@defer(id: 0, label: "social")' in marked
    assert "@defer(id: 1)" in marked


def test_a_false_if_makes_the_fragment_an_ordinary_one() -> None:
    split = split_defers(prepare(supergraph("keys-entity-stub"), QUERY), {"d": False})
    (social,) = split.blocks
    assert _text(social.slice.operation) == (
        "query ($d: Boolean!) { me { ... on Person { facebook { name } "
        "... { whatsapp { phoneNumber } } } } }"
    )
    assert "@defer(if" not in _text(split.planned.operation)
