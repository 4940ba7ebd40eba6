"""Planner: fields that one subgraph types differently under one response name are aliased.

In `directory`, `Member.id` is `ID!` and `Team.id` is `ID` (both `ID` in the supergraph), so
`... on Member { id } ... on Team { id }` is invalid there. The fetch aliases the second
shape and a `KeyRenamer` output rewrite restores the client's name, deepest first.
"""

from __future__ import annotations

from gateway.planner import FetchNode, KeyRenamer, build_query_plan
from tests.gateway.planner.support import assert_plan, prepare, supergraph

QUERY = """{ entries { ... on Member { id peers { ... on Team { id } ... on Member { id } } }
              ... on Team { id handle peers { ... on Member { id } ... on Team { id } } } } }"""


def test_fields_of_different_shapes_under_one_name_are_aliased_and_renamed_back() -> None:
    assert_plan(
        "shape-conflicts",
        """{ entries { ... on Member { id peers { ... on Team { id } ... on Member { id } } }
              ... on Team { id handle peers { ... on Member { id } ... on Team { id } } } } }""",
        """
        QueryPlan {
          Fetch(service: "directory") {
            {
              entries {
                __typename
                ... on Member {
                  id
                  peers {
                    __typename
                    ... on Team {
                      id
                    }
                    ... on Member {
                      id__alias_1: id
                    }
                  }
                }
                ... on Team {
                  id__alias_0: id
                  handle
                  peers {
                    __typename
                    ... on Member {
                      id__alias_1: id
                    }
                    ... on Team {
                      id
                    }
                  }
                }
              }
            }
          },
        }
        """,
    )


def test_the_renames_run_deepest_first() -> None:
    graph = supergraph("shape-conflicts")
    node = build_query_plan(graph, prepare(graph, QUERY)).node
    assert isinstance(node, FetchNode)
    assert node.output_rewrites == (
        KeyRenamer(
            path=("entries", "... on Member", "peers", "... on Member", "id__alias_1"),
            rename_key_to="id",
        ),
        KeyRenamer(
            path=("entries", "... on Team", "peers", "... on Member", "id__alias_1"),
            rename_key_to="id",
        ),
        KeyRenamer(path=("entries", "... on Team", "id__alias_0"), rename_key_to="id"),
    )


def test_fields_of_one_shape_keep_their_names() -> None:
    graph = supergraph("shape-conflicts")
    query = "{ entries { ... on Member { handle } ... on Team { handle } } }"
    node = build_query_plan(graph, prepare(graph, query)).node
    assert isinstance(node, FetchNode)
    assert node.output_rewrites == ()
    assert "alias" not in node.operation


def test_composite_fields_of_different_types_merge_without_an_alias() -> None:
    """`Listed.best: Listed` beside `Member.best: Member`: object types of any name merge."""
    graph = supergraph("shape-conflicts")
    query = "{ listed { best { __typename } ... on Member { best { handle } } } }"
    node = build_query_plan(graph, prepare(graph, query)).node
    assert isinstance(node, FetchNode)
    assert node.output_rewrites == ()
    assert "alias" not in node.operation
