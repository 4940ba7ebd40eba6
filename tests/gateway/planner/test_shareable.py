"""Planner: `@shareable`: shared root fields and fields, picking the subgraph that saves a hop.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_shared_root_field_joins_the_subgraph_already_used() -> None:
    assert_plan(
        "shareable-root-fields",
        """{ version b }""",
        """
        QueryPlan {
          Fetch(service: "b") {
            {
              version
              b
            }
          },
        }
        """,
    )


def test_shared_root_field_alone_goes_to_the_first_subgraph() -> None:
    assert_plan(
        "shareable-root-fields",
        """{ version }""",
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              version
            }
          },
        }
        """,
    )


def test_shared_field_stays_in_the_current_subgraph() -> None:
    assert_plan(
        "shareable-field-level",
        """{ search { name price } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "search") {
              {
                search {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "search.@") {
              Fetch(service: "products") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    price
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_shared_value_type() -> None:
    assert_plan(
        "shareable-value-type",
        """{ a { amount } b { currency } }""",
        """
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                a {
                  amount
                }
              }
            },
            Fetch(service: "b") {
              {
                b {
                  currency
                }
              }
            },
          },
        }
        """,
    )


def test_child_type_mismatch_between_subgraphs() -> None:
    assert_plan(
        "type-mismatch",
        """{ owner { nick pet { name ... on Cat { lives } } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                owner {
                  __typename
                  id
                  pet {
                    __typename
                    name
                    ... on Cat {
                      lives
                    }
                  }
                }
              }
            },
            Flatten(path: "owner") {
              Fetch(service: "b") {
                {
                  ... on Owner {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Owner {
                    nick
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_field_typed_as_an_object_where_the_supergraph_has_an_interface() -> None:
    assert_plan(
        "type-mismatch",
        """{ adopted { pet { name ... on Cat { lives } ... on Dog { name } } } }""",
        """
        QueryPlan {
          Fetch(service: "b") {
            {
              adopted {
                pet {
                  __typename
                  name
                  lives
                }
              }
            }
          },
        }
        """,
    )


def test_nullability_mismatch_between_subgraphs() -> None:
    assert_plan(
        "field-type-nullability",
        """{ t { name tags } }""",
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              t {
                name
                tags
              }
            }
          },
        }
        """,
    )
