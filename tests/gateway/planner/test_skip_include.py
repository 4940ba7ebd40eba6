"""Planner: `@skip`/`@include`: literal conditions decided now, variable ones passed through or
turned into Condition nodes.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_variable_conditions_on_entity_fields_become_condition_nodes() -> None:
    assert_plan(
        "keys-entity-stub",
        """
        query ($x: Boolean!) {
          me {
            displayName
            facebook @include(if: $x) {
              name
            }
            whatsapp @skip(if: $x) {
              phoneNumber
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
                  displayName
                }
              }
            },
            Parallel {
              Include(if: $x) {
                Flatten(path: "me") {
                  Fetch(service: "facebook") {
                    {
                      ... on Person {
                        __typename
                        id
                      }
                    } =>
                    {
                      ... on Person {
                        facebook {
                          name
                        }
                      }
                    }
                  },
                }
              },
              Skip(if: $x) {
                Flatten(path: "me") {
                  Fetch(service: "whatsapp") {
                    {
                      ... on Person {
                        __typename
                        id
                      }
                    } =>
                    {
                      ... on Person {
                        whatsapp {
                          phoneNumber
                        }
                      }
                    }
                  },
                }
              },
            },
          },
        }
        """,
    )


def test_conditional_fragment_becomes_an_include_node() -> None:
    assert_plan(
        "keys-entity-stub",
        """
        query ($x: Boolean!) {
          me {
            displayName
            ... @include(if: $x) {
              facebook {
                name
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
                  displayName
                  ... @include(if: $x) {
                    __typename
                    id
                  }
                }
              }
            },
            Include(if: $x) {
              Flatten(path: "me") {
                Fetch(service: "facebook") {
                  {
                    ... on Person {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Person {
                      facebook {
                        name
                      }
                    }
                  }
                },
              }
            },
          },
        }
        """,
    )


def test_literal_conditions_are_decided_at_planning() -> None:
    assert_plan(
        "keys-entity-stub",
        """
        {
          me {
            displayName @include(if: true)
            facebook @skip(if: true) {
              name
            }
            whatsapp @include(if: false) {
              phoneNumber
            }
          }
        }
        """,
        """
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                displayName
              }
            }
          },
        }
        """,
    )


def test_root_fetch_under_one_condition_becomes_a_condition_node() -> None:
    assert_plan(
        "bench",
        """
        query ($x: Boolean!) {
          me @include(if: $x) {
            name
          }
          topProducts {
            name
          }
        }
        """,
        """
        QueryPlan {
          Parallel {
            Include(if: $x) {
              Fetch(service: "accounts") {
                {
                  me {
                    name
                  }
                }
              }
            },
            Fetch(service: "products") {
              {
                topProducts {
                  name
                }
              }
            },
          },
        }
        """,
    )


def test_nested_conditions_guard_each_fetch() -> None:
    """Apollo prints a doubled `... on User { ... on User { ... } }` in the inner fetch; otherwise
    the plans are the same."""
    assert_plan(
        "bench",
        """
        query ($x: Boolean!, $y: Boolean!) {
          topProducts {
            name
            reviews @skip(if: $x) {
              body
              author @include(if: $y) {
                name
              }
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
                  name
                }
              }
            },
            Skip(if: $x) {
              Sequence {
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
                          body
                          author @include(if: $y) {
                            __typename
                            id
                          }
                        }
                      }
                    }
                  },
                },
                Include(if: $y) {
                  Flatten(path: "topProducts.@.reviews.@.author") {
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
                  }
                },
              }
            },
          },
        }
        """,
    )


def test_conditional_typed_fragment() -> None:
    assert_plan(
        "bench",
        """
        query ($x: Boolean!) {
          topProducts {
            ... on Product @include(if: $x) {
              name
              reviews {
                body
              }
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
                  ... on Product @include(if: $x) {
                    __typename
                    upc
                    name
                  }
                }
              }
            },
            Include(if: $x) {
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
                        body
                      }
                    }
                  }
                },
              }
            },
          },
        }
        """,
    )


def test_requires_inputs_fetched_under_the_field_condition() -> None:
    assert_plan(
        "bench",
        """
        query ($x: Boolean!) {
          topProducts {
            shippingEstimate @include(if: $x)
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
                  ... on Product @include(if: $x) {
                    price
                    weight
                  }
                }
              }
            },
            Include(if: $x) {
              Flatten(path: "topProducts.@") {
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
                      shippingEstimate
                    }
                  }
                },
              }
            },
          },
        }
        """,
    )


def test_conditional_fragment_sent_through_an_interface_object() -> None:
    assert_plan(
        "interface-object",
        """
        query ($x: Boolean!) {
          topMedia {
            id
            ... on Book @include(if: $x) {
              pages
            }
            reviews @skip(if: $x)
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topMedia {
                  __typename
                  id
                  reviews @skip(if: $x)
                }
              }
            },
            Include(if: $x) {
              Flatten(path: "topMedia") {
                Fetch(service: "media") {
                  {
                    ... on Media {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Media {
                      __typename
                      ... on Book {
                        pages
                      }
                    }
                  }
                },
              }
            },
          },
        }
        """,
    )


def test_conditional_named_fragment() -> None:
    assert_plan(
        "bench",
        """
        query ($x: Boolean!) {
          topProducts {
            name
            ...F @skip(if: $x)
          }
        }

        fragment F on Product {
          inStock
          shippingEstimate
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  name
                  ... on Product @skip(if: $x) {
                    __typename
                    upc
                    price
                    weight
                  }
                }
              }
            },
            Skip(if: $x) {
              Flatten(path: "topProducts.@") {
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
                      inStock
                      shippingEstimate
                    }
                  }
                },
              }
            },
          },
        }
        """,
    )


def test_local_conditional_fields_keep_their_directive() -> None:
    assert_plan(
        "keys-entity-stub",
        """query($x: Boolean!) { me { displayName @skip(if: $x) id } }""",
        """
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                displayName @skip(if: $x)
                id
              }
            }
          },
        }
        """,
    )
