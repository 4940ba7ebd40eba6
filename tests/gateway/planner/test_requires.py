"""Planner: `@requires`: inputs fetched first and sent in the representation.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


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
                    inStock
                    shippingEstimate
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_fetched_from_another_subgraph_waits_for_it() -> None:
    """The plain `inStock` fetch is a leaf at the same place as the `@requires` one, which
    waits anyway: one request carries both (Apollo sends two)."""
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
                    inStock
                  }
                }
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


def test_requires_input_resolved_by_the_requiring_subgraph() -> None:
    """From the federation-gateway-audit suite requires-with-argument. Apollo asks `c` for
    `Post.comments`, which is external there; we fetch it from `d` first."""
    assert_plan(
        "audit-requires-with-argument",
        """{ feed { author { id } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                feed {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "d") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    comments(limit: 3) {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "feed.@.comments.@") {
              Fetch(service: "c") {
                {
                  ... on Comment {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Comment {
                    authorId
                  }
                }
              },
            },
            Flatten(path: "feed.@") {
              Fetch(service: "d") {
                {
                  ... on Post {
                    __typename
                    id
                    comments {
                      authorId
                    }
                  }
                } =>
                {
                  ... on Post {
                    author {
                      id
                    }
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_input_with_other_arguments_than_the_client_is_aliased() -> None:
    """The client's `comments(limit: $limit)` keeps its key; the `@requires` input `comments(limit:
    3)` is aliased and renamed back in the representation."""
    assert_plan(
        "audit-requires-with-argument",
        """
        query ($limit: Int = 1) {
          feed {
            author {
              id
            }
            comments(limit: $limit) {
              id
            }
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                feed {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "d") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    comments(limit: $limit) {
                      id
                    }
                    fed__comments: comments(limit: 3) {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "feed.@.fed__comments.@") {
              Fetch(service: "c") {
                {
                  ... on Comment {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Comment {
                    authorId
                  }
                }
              },
            },
            Flatten(path: "feed.@") {
              Fetch(service: "d") {
                {
                  ... on Post {
                    __typename
                    id
                    fed__comments {
                      authorId
                    }
                  }
                } =>
                {
                  ... on Post {
                    author {
                      id
                    }
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_inputs_with_conflicting_arguments_go_in_separate_fetches() -> None:
    """From the federation-gateway-audit suite requires-with-argument-conflict. Apollo sends one
    fetch whose representation carries only `price(currency: "EUR")`; we alias the EUR price and
    send it in its own fetch, renamed back to `price`."""
    assert_plan(
        "audit-requires-with-argument-conflict",
        """
        {
          products {
            upc
            name
            shippingEstimate
            shippingEstimateEUR
            isExpensiveCategory
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                products {
                  __typename
                  upc
                  name
                  price(currency: "USD")
                  weight
                  fed__price: price(currency: "EUR")
                  category {
                    averagePrice(currency: "USD")
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "products.@") {
                Fetch(service: "a") {
                  {
                    ... on Product {
                      __typename
                      upc
                      price
                      weight
                      category {
                        averagePrice
                      }
                    }
                  } =>
                  {
                    ... on Product {
                      shippingEstimate
                      isExpensiveCategory
                    }
                  }
                },
              },
              Flatten(path: "products.@") {
                Fetch(service: "a") {
                  {
                    ... on Product {
                      __typename
                      upc
                      fed__price
                      weight
                    }
                  } =>
                  {
                    ... on Product {
                      shippingEstimateEUR
                    }
                  }
                },
              },
            },
          },
        }
        """,
    )


def test_nested_requires_with_arguments() -> None:
    assert_plan(
        "audit-requires-with-argument",
        """{ feed { comments(limit: 3) { isCommentSpam } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                feed {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "d") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    comments(limit: 3) {
                      __typename
                      id
                      sameCommentOnOtherPosts {
                        comments(limit: 50) {
                          id
                        }
                      }
                    }
                  }
                }
              },
            },
            Flatten(path: "feed.@.comments.@") {
              Fetch(service: "c") {
                {
                  ... on Comment {
                    __typename
                    id
                    sameCommentOnOtherPosts {
                      comments {
                        id
                      }
                    }
                  }
                } =>
                {
                  ... on Comment {
                    isCommentSpam
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_with_arguments_from_another_subgraph() -> None:
    assert_plan(
        "audit-requires-with-argument",
        """{ products { upc name shippingEstimate isExpensiveCategory } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                products {
                  __typename
                  upc
                  name
                  price(currency: "USD")
                  weight
                  category {
                    averagePrice(currency: "USD")
                  }
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "a") {
                {
                  ... on Product {
                    __typename
                    upc
                    price
                    weight
                    category {
                      averagePrice
                    }
                  }
                } =>
                {
                  ... on Product {
                    shippingEstimate
                    isExpensiveCategory
                  }
                }
              },
            },
          },
        }
        """,
    )
