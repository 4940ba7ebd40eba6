"""Planner: client aliases that collide with the keys and `@requires` inputs the planner adds."""

from __future__ import annotations

from gateway.planner import FetchNode, FlattenNode, KeyRenamer, SequenceNode, build_query_plan
from tests.gateway.planner.support import assert_plan, prepare, supergraph


def test_client_alias_colliding_with_a_key_or_requires_input() -> None:
    """The planner aliases its own key/`@requires` inputs and renames them in representations.

    Apollo's planner drops the client's `upc: name` here; ours keeps both.
    """
    assert_plan(
        "bench",
        "{ topProducts { upc: name price: weight shippingEstimate reviews { body } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  __typename
                  fed__upc: upc
                  upc: name
                  price: weight
                  fed__price: price
                  weight
                }
              }
            },
            Parallel {
              Flatten(path: "topProducts.@") {
                Fetch(service: "inventory") {
                  {
                    ... on Product {
                      __typename
                      fed__upc
                      fed__price
                      weight
                    }
                  } =>
                  {
                    ... on Product {
                      shippingEstimate
                    }
                  }
                },
              },
              Flatten(path: "topProducts.@") {
                Fetch(service: "reviews") {
                  {
                    ... on Product {
                      __typename
                      fed__upc
                    }
                  } =>
                  {
                    ... on Product {
                      reviews {
                        body
                      }
                    }
                  }
                },
              },
            },
          },
        }
        """,
    )


def test_renamed_inputs_are_rewritten_in_representations() -> None:
    graph = supergraph("bench")
    query = "{ topProducts { upc: name price: weight shippingEstimate } }"
    plan = build_query_plan(graph, prepare(graph, query))
    assert isinstance(plan.node, SequenceNode)
    flatten = plan.node.nodes[1]
    assert isinstance(flatten, FlattenNode)
    assert isinstance(flatten.node, FetchNode)
    assert flatten.node.input_rewrites == (
        KeyRenamer(path=("... on Product", "fed__upc"), rename_key_to="upc"),
        KeyRenamer(path=("... on Product", "fed__price"), rename_key_to="price"),
    )
