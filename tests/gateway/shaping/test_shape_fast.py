"""The generated shaping walk against the careful one: same body for good and broken data.

`shape_response` first runs generated code that gives up at the first value needing an error
or a bubble; these tests break well-formed merged data at every position, in every way, and
check that the answer is exactly (keys, order, errors) what the careful walk alone gives.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from gateway.shaping import compile_shape, shape_response
from gateway.shaping.walk import BUBBLE, ShapeState, walk_fields
from tests.gateway.executor.executor_support import api_schema, prepared

QUERY = """
query($yes: Boolean!) {
  me {
    __typename id name alias: nick
    reviews { id body rating product { upc name price } }
    nick @include(if: $yes)
  }
  node(id: "1") { __typename id ... on User { name } ... on Review { body rating } }
  topProducts { upc price p: price }
  users { id }
  t: __typename
}
"""

GOOD: dict[str, Any] = {
    "me": {
        "__typename": "User",
        "id": "1",
        "name": "Ada",
        "alias": "ada",
        "nick": "ada",
        "reviews": [
            {"id": "r1", "body": "b", "rating": "GOOD", "product": {"upc": "p", "price": 1}},
            {"id": "r2", "body": "c", "rating": None, "product": None, "extra": 1},
        ],
    },
    "node": {"__typename": "Review", "id": "r1", "body": "b", "rating": "BAD"},
    "topProducts": [{"__typename": "Product", "upc": "p", "price": 2, "p": 3, "name": "x"}],
    "users": [{"id": "1"}, {"id": "2"}],
}

REPLACEMENTS: list[object] = [None, 5, "x", 2.5, True, [], {}, [None], "GOOD", "Secret"]
MISSING = object()


def careful(data: Any, errors: list[dict[str, Any]], variables: dict[str, Any]) -> dict[str, Any]:
    """What the careful walk alone answers (the body `shape_response` must match)."""
    compiled = compile_shape(prepared(QUERY), api_schema, variables)
    state = ShapeState(list(errors))
    shaped = walk_fields(state, compiled.root, data or {}, None)
    body: dict[str, Any] = {"data": None if shaped is BUBBLE else shaped}
    if state.errors:
        body["errors"] = state.errors
    return body


def positions(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside `value`."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        yield (*path, key)
        if isinstance(child, dict | list):
            yield from positions(child, (*path, key))


def broken(path: tuple[Any, ...], replacement: object) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    parent: Any = data
    for key in path[:-1]:
        parent = parent[key]
    if replacement is MISSING:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return data


CASES = [
    (path, replacement)
    for path in positions(GOOD)
    for replacement in [MISSING, *REPLACEMENTS]
    if not (replacement is MISSING and isinstance(path[-1], int))
]


@pytest.mark.parametrize("yes", [True, False])
def test_well_formed_data_takes_the_same_shape(yes: bool) -> None:
    variables = {"yes": yes}
    body = shape_response(prepared(QUERY), api_schema, variables, GOOD, [])
    assert orjson.dumps(body) == orjson.dumps(careful(GOOD, [], variables))
    assert "errors" not in body


@pytest.mark.parametrize(("path", "replacement"), CASES)
def test_broken_data_gives_the_careful_answer(path: tuple[Any, ...], replacement: object) -> None:
    data = broken(path, replacement)
    errors = [{"message": "earlier", "path": ["me", "name"]}]
    for given in ([], errors):
        expected = careful(copy.deepcopy(data), given, {"yes": True})
        body = shape_response(prepared(QUERY), api_schema, {"yes": True}, data, given)
        assert orjson.dumps(body) == orjson.dumps(expected)


def test_no_data_at_all() -> None:
    body = shape_response(prepared(QUERY), api_schema, {"yes": True}, None, [])
    assert body == careful(None, [], {"yes": True})
    assert body["data"] is None


DEEP_SDL = """
type Query { grid: [[Cell]]!, strict: [[Int!]!], deep: Node }
type Cell { v: Int, tags: [String!] }
type Node { name: String!, child: Node, kids: [Node!] }
"""
DEEP_QUERY = """{
  grid { v tags } strict
  deep { name child { name child { name child { name child { name child { name
    kids { name child { name } }
  } } } } } }
}"""


def deep_data() -> dict[str, Any]:
    node: dict[str, Any] = {"name": "leaf", "kids": [{"name": "k", "child": None}, {"name": "j"}]}
    for level in range(5):
        node = {"name": f"n{level}", "child": node}
    return {
        "grid": [[{"v": 1, "tags": ["a"]}, None], [], None, [{"v": None, "tags": None}]],
        "strict": [[1, 2], [3]],
        "deep": node,
    }


def test_nesting_deeper_than_one_generated_function() -> None:
    from graphql import build_schema

    from gateway.operation import PreparedOperation, prepare_operation

    schema = build_schema(DEEP_SDL)
    operation = prepare_operation(schema, DEEP_QUERY, None)
    assert isinstance(operation, PreparedOperation)
    good = deep_data()
    for path in [None, *positions(good)]:
        for replacement in (MISSING, None, "x", [None], {}):
            data = good if path is None else broken_in(good, path, replacement)
            compiled = compile_shape(operation, schema, {})
            state = ShapeState([])
            shaped = walk_fields(state, compiled.root, copy.deepcopy(data), None)
            expected: dict[str, Any] = {"data": None if shaped is BUBBLE else shaped}
            if state.errors:
                expected["errors"] = state.errors
            body = shape_response(operation, schema, {}, data, [])
            assert orjson.dumps(body) == orjson.dumps(expected), (path, replacement)
            if path is None:
                assert "errors" not in body


def broken_in(good: dict[str, Any], path: tuple[Any, ...], replacement: object) -> dict[str, Any]:
    data = copy.deepcopy(good)
    parent: Any = data
    for key in path[:-1]:
        parent = parent[key]
    if replacement is MISSING:
        if isinstance(parent, dict):
            del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return data
