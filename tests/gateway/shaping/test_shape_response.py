"""shape_response alone: the client's exact selection and GraphQL null propagation."""

from __future__ import annotations

from typing import Any

from gateway.shaping import shape_response
from tests.gateway.executor.executor_support import api_schema, prepared


def shape(
    query: str,
    data: dict[str, Any] | None,
    errors: list[dict[str, Any]] | None = None,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return shape_response(prepared(query), api_schema, variables or {}, data, errors or [])


def test_fragments_resolve_by_typename_on_interfaces() -> None:
    query = """{ node(id: "r1") { id ... on User { name } ...R } }
               fragment R on Review { body rating }"""
    merged = {"node": {"__typename": "Review", "id": "r1", "body": "b", "rating": "GOOD", "x": 1}}
    assert shape(query, merged) == {"data": {"node": {"id": "r1", "body": "b", "rating": "GOOD"}}}


def test_typename_everywhere_including_root() -> None:
    query = "{ __typename t: __typename me { __typename } }"
    merged = {"me": {"__typename": "User", "id": "1"}}
    assert shape(query, merged) == {
        "data": {"__typename": "Query", "t": "Query", "me": {"__typename": "User"}}
    }


def test_skip_and_include_with_variables_and_literals() -> None:
    query = """query($yes: Boolean!) {
      me { id @skip(if: $yes) name @include(if: $yes) nick @include(if: false) }
    }"""
    merged = {"me": {"id": "1", "name": "Ada", "nick": "a"}}
    assert shape(query, merged, variables={"yes": True}) == {"data": {"me": {"name": "Ada"}}}
    assert shape(query, merged, variables={"yes": False}) == {"data": {"me": {"id": "1"}}}


def test_same_response_key_from_several_fragments_merges() -> None:
    query = "{ me { reviews { id } ... on User { reviews { body } } } }"
    merged = {"me": {"reviews": [{"id": "r1", "body": "b", "product": None}]}}
    assert shape(query, merged) == {"data": {"me": {"reviews": [{"id": "r1", "body": "b"}]}}}


def test_missing_non_null_field_bubbles_to_nullable_parent() -> None:
    merged = {"me": {"id": "1"}}
    body = shape("{ me { id name } }", merged)
    assert body == {
        "data": {"me": None},
        "errors": [
            {
                "message": "Cannot return null for non-nullable field User.name.",
                "locations": [{"line": 1, "column": 11}],
                "path": ["me", "name"],
            }
        ],
    }


def test_non_null_list_items_bubble_through_lists() -> None:
    merged = {"me": {"reviews": [{"id": "r1", "body": "ok"}, {"id": "r2", "body": None}]}}
    body = shape("{ me { reviews { id body } } }", merged)
    assert body["data"] == {"me": None}
    assert [e["path"] for e in body["errors"]] == [["me", "reviews", 1, "body"]]


def test_null_at_non_null_root_field_nulls_data() -> None:
    body = shape("{ users { id } me { id } }", {"me": {"id": "1"}})
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["users"]


def test_existing_error_covers_the_null_it_caused() -> None:
    error = {"message": "boom", "path": ["me", "name"], "extensions": {"serviceName": "a"}}
    body = shape("{ me { name } }", {"me": {"name": None}}, [error])
    assert body == {"data": {"me": None}, "errors": [error]}


def test_enum_value_unknown_to_the_api_schema_is_an_error() -> None:
    merged = {"node": {"__typename": "Review", "rating": "MEH"}}
    body = shape('{ node(id: "r3") { ... on Review { rating } } }', merged)
    assert body["data"] == {"node": {"rating": None}}
    assert body["errors"][0]["path"] == ["node", "rating"]


def test_wrong_scalar_from_a_subgraph_is_coerced_or_reported() -> None:
    body = shape("{ topProducts { price name } }", {"topProducts": [{"price": "x", "name": 5}]})
    assert body["data"] is None  # price is Int!; "x" cannot be an Int
    assert body["errors"][0]["path"] == ["topProducts", 0, "price"]
    ok = shape("{ topProducts { price } }", {"topProducts": [{"price": 3.0}]})
    assert ok == {"data": {"topProducts": [{"price": 3}]}}


def test_unknown_typename_on_abstract_type_is_an_error() -> None:
    body = shape('{ node(id: "1") { id } }', {"node": {"__typename": "Secret", "id": "1"}})
    assert body["data"] == {"node": None}
    assert body["errors"][0]["path"] == ["node"]


def test_interface_name_as_typename_shapes_the_interface_fields() -> None:
    # What an @interfaceObject subgraph answers: only the interface is known.
    query = '{ node(id: "1") { id ... on User { name } } }'
    assert shape(query, {"node": {"__typename": "Node", "id": "1"}}) == {
        "data": {"node": {"id": "1"}}
    }
    assert shape(query, {"node": {"id": "1"}}) == {"data": {"node": {"id": "1"}}}
