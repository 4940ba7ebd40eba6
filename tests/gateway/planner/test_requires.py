"""Planner: `@requires`: inputs fetched first and sent in the representation.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from .support import assert_plan


def test_requires_fields_from_the_parent_fetch() -> None:
    assert_plan(
        "requires-basic",
        """{ products { upc estimate } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                products {
                  __typename
                  upc
                  weight
                  price
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "shipping") {
                {
                  ... on Product {
                    __typename
                    upc
                    weight
                    price
                  }
                } =>
                {
                  ... on Product {
                    estimate
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_a_nested_selection() -> None:
    assert_plan(
        "requires-nested",
        """{ user { taxRate } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "users") {
              {
                user {
                  __typename
                  id
                  address {
                    country
                  }
                }
              }
            },
            Flatten(path: "user") {
              Fetch(service: "tax") {
                {
                  ... on User {
                    __typename
                    id
                    address {
                      country
                    }
                  }
                } =>
                {
                  ... on User {
                    taxRate
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_merges_with_plain_fields_of_the_same_subgraph() -> None:
    assert_plan(
        "bench",
        """{ topProducts { inStock shippingEstimate } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  __typename
                  upc
                  price
                  weight
                }
              }
            },
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
                    inStock
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_fetched_from_another_subgraph_waits_for_it() -> None:
    assert_plan(
        "bench",
        """{ users { reviews { product { shippingEstimate inStock } } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                users {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "users.@") {
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
                      product {
                        __typename
                        upc
                      }
                    }
                  }
                }
              },
            },
            Parallel {
              Sequence {
                Flatten(path: "users.@.reviews.@.product") {
                  Fetch(service: "products") {
                    {
                      ... on Product {
                        __typename
                        upc
                      }
                    } =>
                    {
                      ... on Product {
                        price
                        weight
                      }
                    }
                  },
                },
                Flatten(path: "users.@.reviews.@.product") {
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
                },
              },
              Flatten(path: "users.@.reviews.@.product") {
                Fetch(service: "inventory") {
                  {
                    ... on Product {
                      __typename
                      upc
                    }
                  } =>
                  {
                    ... on Product {
                      inStock
                    }
                  }
                },
              },
            },
          },
        }
        """,
    )


def test_chained_requires() -> None:
    assert_plan(
        "requires-advanced",
        """{ items { total } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                items {
                  __typename
                  id
                  price
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "b") {
                {
                  ... on Item {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Item {
                    tax
                  }
                }
              },
            },
            Flatten(path: "items.@") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                    tax
                  }
                } =>
                {
                  ... on Item {
                    total
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_with_an_argument() -> None:
    assert_plan(
        "requires-advanced",
        """{ items { label(lang: "en") } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                items {
                  __typename
                  id
                  size(unit: "mm")
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "b") {
                {
                  ... on Item {
                    __typename
                    id
                    size
                  }
                } =>
                {
                  ... on Item {
                    label(lang: "en")
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_with_fragments_on_a_union() -> None:
    assert_plan(
        "requires-advanced",
        """{ items { area price } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                items {
                  __typename
                  id
                  price
                  shape {
                    __typename
                    ... on Circle {
                      r
                    }
                    ... on Square {
                      side
                    }
                  }
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "b") {
                {
                  ... on Item {
                    __typename
                    id
                    shape {
                      ... on Circle {
                        r
                      }
                      ... on Square {
                        side
                      }
                    }
                  }
                } =>
                {
                  ... on Item {
                    area
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_beside_a_chain() -> None:
    assert_plan(
        "requires-advanced",
        """{ items { size tax total } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                items {
                  __typename
                  id
                  size
                  price
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "b") {
                {
                  ... on Item {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Item {
                    tax
                  }
                }
              },
            },
            Flatten(path: "items.@") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    id
                    tax
                  }
                } =>
                {
                  ... on Item {
                    total
                  }
                }
              },
            },
          },
        }
        """,
    )
