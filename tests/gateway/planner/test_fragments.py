"""Planner: Named and inline fragments, aliases, `__typename` and variables.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_named_fragments_are_inlined() -> None:
    assert_plan(
        "bench",
        """
        fragment U on User {
          id
          name
        }

        query Q {
          me {
            ...U
            reviews {
              body
              author {
                ...U
              }
            }
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "reviews") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    reviews {
                      body
                      author {
                        __typename
                        id
                      }
                    }
                  }
                }
              },
            },
            Flatten(path: "me.reviews.@.author") {
              Fetch(service: "accounts") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    name
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_aliases_are_kept() -> None:
    assert_plan(
        "bench",
        """
        {
          first: topProducts(first: 1) {
            title: name
            cost: price
          }
          second: topProducts(first: 2) {
            upc
            s: shippingEstimate
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                first: topProducts(first: 1) {
                  title: name
                  cost: price
                }
                second: topProducts(first: 2) {
                  __typename
                  upc
                  price
                  weight
                }
              }
            },
            Flatten(path: "second.@") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    upc
                    price
                    weight
                  }
                } =>
                {
                  ... on Product {
                    s: shippingEstimate
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_typename_anywhere() -> None:
    assert_plan(
        "bench",
        """
        {
          __typename
          topProducts {
            __typename
            t: __typename
            reviews {
              __typename
            }
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  __typename
                  upc
                  t: __typename
                }
              }
            },
            Flatten(path: "topProducts.@") {
              Fetch(service: "reviews") {
                {
                  ... on Product {
                    __typename
                    upc
                  }
                } =>
                {
                  ... on Product {
                    reviews {
                      __typename
                    }
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_variables_are_forwarded_with_definitions() -> None:
    assert_plan(
        "bench",
        """
        query Q($n: Int = 2, $id: ID!) {
          topProducts(first: $n) {
            name
          }
          user(id: $id) {
            name
          }
        }
        """,
        """
        QueryPlan {
          Parallel {
            Fetch(service: "products") {
              {
                topProducts(first: $n) {
                  name
                }
              }
            },
            Fetch(service: "accounts") {
              {
                user(id: $id) {
                  name
                }
              }
            },
          },
        }
        """,
    )


def test_only_typename_needs_no_fetch() -> None:
    assert_plan(
        "bench",
        """{ __typename }""",
        """
        QueryPlan {}
        """,
    )
