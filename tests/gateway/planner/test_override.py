"""Planner: `@override`, including progressive override labels.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_overridden_field_comes_from_the_new_subgraph() -> None:
    assert_plan(
        "override-basic",
        """{ bill(id: "1") { amount } }""",
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
    )


def test_used_overridden_field_is_not_resolved_by_the_old_subgraph() -> None:
    assert_plan(
        "override-used",
        """{ bill(id: "1") { amount currency } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "old") {
              {
                bill(id: "1") {
                  __typename
                  id
                  amount
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
                    currency
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_progressive_override_off_by_default() -> None:
    assert_plan(
        "override-progressive",
        """{ bill(id: "1") { amount } }""",
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
    )
