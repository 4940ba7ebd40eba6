"""Planner: Supergraphs composed from Federation 1 subgraphs.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_fed1_entities() -> None:
    assert_plan(
        "fed1-basic",
        """{ me { name nameLength reviews { body author { username name } } } }""",
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
            Parallel {
              Flatten(path: "me") {
                Fetch(service: "inventory") {
                  {
                    ... on User {
                      __typename
                      id
                      name
                    }
                  } =>
                  {
                    ... on User {
                      nameLength
                    }
                  }
                },
              },
              Sequence {
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
                            username
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
            },
          },
        }
        """,
    )


def test_fed1_and_fed2_mixed() -> None:
    assert_plan(
        "fed1-mixed",
        """{ products { name rating } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "legacy") {
              {
                products {
                  __typename
                  upc
                  name
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "modern") {
                {
                  ... on Product {
                    __typename
                    upc
                  }
                } =>
                {
                  ... on Product {
                    rating
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_fed1_value_types() -> None:
    assert_plan(
        "fed1-value-types",
        """{ a { x y } b { x } }""",
        """
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                a {
                  x
                  y
                }
              }
            },
            Fetch(service: "b") {
              {
                b {
                  x
                }
              }
            },
          },
        }
        """,
    )
