"""Planner: Other schema shapes: enum and input intersections, `@inaccessible` keys and fields,
subscriptions.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_enum_intersection_passes_values_through() -> None:
    assert_plan(
        "enum-input-intersection",
        """query($s: Sort) { a(sort: $s) b(sort: ASC) }""",
        """
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                a(sort: $s)
              }
            },
            Fetch(service: "b") {
              {
                b(sort: ASC)
              }
            },
          },
        }
        """,
    )


def test_inaccessible_key_is_still_used_for_jumps() -> None:
    assert_plan(
        "inaccessible-keys",
        """{ users { name email } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                users {
                  __typename
                  internalId
                  name
                }
              }
            },
            Flatten(path: "users.@") {
              Fetch(service: "b") {
                {
                  ... on User {
                    __typename
                    internalId
                  }
                } =>
                {
                  ... on User {
                    email
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_inaccessible_elements_elsewhere_in_the_schema() -> None:
    assert_plan(
        "inaccessible",
        """{ me { name } search(term: "x") { name } role }""",
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              me {
                name
              }
              search(term: "x") {
                name
              }
              role
            }
          },
        }
        """,
    )


def test_subscription_root_fetch() -> None:
    """Apollo wraps this in a `Subscription { Primary: ... }` node; our plan model has no such
    node, so it is the plain fetch, with operationKind subscription."""
    assert_plan(
        "subscription",
        """subscription { ticks }""",
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              ticks
            }
          },
        }
        """,
    )
