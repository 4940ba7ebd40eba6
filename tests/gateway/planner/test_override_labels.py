"""Progressive override: a label in force moves the field to the overriding subgraph.

By default only `percent(100)` is in force; the runtime may pass the labels it decided for a
request (and must then key its plan cache by them).
"""

from __future__ import annotations

from dataclasses import replace

from gateway.planner import default_override_labels
from tests.gateway.planner.support import assert_plan, supergraph

QUERY = '{ bill(id: "1") { amount } }'


def test_label_off_keeps_the_field_in_the_original_subgraph() -> None:
    assert_plan(
        "override-progressive",
        QUERY,
        """
        QueryPlan {
          Fetch(service: "old") {
            {
              bill(id: "1") {
                amount
              }
            }
          },
        }
        """,
        override_labels=(),
    )


def test_label_on_moves_the_field_to_the_overriding_subgraph() -> None:
    assert_plan(
        "override-progressive",
        QUERY,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "old") {
              {
                bill(id: "1") {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "bill") {
              Fetch(service: "new") {
                {
                  ... on Bill {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Bill {
                    amount
                  }
                }
              },
            },
          },
        }
        """,
        override_labels=("percent(25)",),
    )


def test_only_percent_100_is_on_by_default() -> None:
    graph = supergraph("override-progressive")
    assert default_override_labels(graph) == frozenset()
    bill = graph.types["Bill"]
    amount = bill.fields["amount"]
    full = {g: replace(info, override_label="percent(100)") for g, info in amount.graphs.items()}
    moved = replace(
        graph,
        types={
            **graph.types,
            "Bill": replace(bill, fields={"amount": replace(amount, graphs=full)}),
        },
    )
    assert default_override_labels(moved) == frozenset({"percent(100)"})
