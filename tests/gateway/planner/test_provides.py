"""Planner: `@provides`: provided fields are read where the path came through, not fetched again.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_provided_fields_and_nested_provides() -> None:
    assert_plan(
        "provides",
        """
        {
          topReviews {
            body
            product {
              name
              category {
                name
              }
            }
            author {
              name
            }
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topReviews {
                  body
                  product {
                    name
                    category {
                      name
                    }
                  }
                  author {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "topReviews.@.author") {
              Fetch(service: "users") {
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


def test_provided_key_and_field() -> None:
    assert_plan(
        "provides",
        """{ topReviews { product { id name } } }""",
        """
        QueryPlan {
          Fetch(service: "reviews") {
            {
              topReviews {
                product {
                  id
                  name
                }
              }
            }
          },
        }
        """,
    )


def test_provides_on_a_union_covers_only_what_it_names() -> None:
    assert_plan(
        "provides",
        """
        {
          feed {
            ... on Post {
              author {
                name
                email
              }
            }
            ... on Review {
              product {
                name
              }
            }
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                feed {
                  __typename
                  ... on Post {
                    author {
                      __typename
                      id
                      name
                    }
                  }
                  ... on Review {
                    product {
                      name
                    }
                  }
                }
              }
            },
            Flatten(path: "feed.@.author") {
              Fetch(service: "users") {
                {
                  ... on User {
                    __typename
                    id
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


def test_provides_on_an_interface() -> None:
    assert_plan(
        "provides",
        """{ nodes { id ... on Product { name } } }""",
        """
        QueryPlan {
          Fetch(service: "reviews") {
            {
              nodes {
                __typename
                id
                ... on Product {
                  name
                }
              }
            }
          },
        }
        """,
    )


def test_without_the_providing_path_fields_are_fetched() -> None:
    assert_plan(
        "provides",
        """{ products { name category { name } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "categories") {
                {
                  ... on Product {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Product {
                    category {
                      name
                    }
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_nested_provides_need_no_other_subgraph() -> None:
    """From the federation-gateway-audit suite nested-provides."""
    assert_plan(
        "audit-nested-provides",
        """{ products { id categories { id name subCategories { id name } } } }""",
        """
        QueryPlan {
          Fetch(service: "category") {
            {
              products {
                id
                categories {
                  id
                  name
                  subCategories {
                    id
                    name
                  }
                }
              }
            }
          },
        }
        """,
    )


def test_beyond_the_provided_depth_fields_are_fetched() -> None:
    assert_plan(
        "audit-nested-provides",
        """
        {
          products {
            categories {
              subCategories {
                subCategories {
                  id
                  name
                }
              }
            }
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "category") {
              {
                products {
                  categories {
                    subCategories {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Flatten(path: "products.@.categories.@.subCategories.@") {
              Fetch(service: "subcategories") {
                {
                  ... on Category {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Category {
                    subCategories {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "products.@.categories.@.subCategories.@.subCategories.@") {
              Fetch(service: "category") {
                {
                  ... on Category {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Category {
                    name
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_benchmark_author_username_is_provided() -> None:
    assert_plan(
        "bench",
        """{ topProducts { reviews { author { username name } } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  __typename
                  upc
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
            },
          },
        }
        """,
    )


def test_provides_on_a_union_member_picks_the_providing_root_and_calls_nobody_else() -> None:
    """`curated` provides `Album.name` below `shelf`: the whole answer comes from it."""
    assert_plan(
        "provides-union",
        "{ shelf { ... on Album { id name } ... on Film { id } } }",
        """
        QueryPlan {
          Fetch(service: "curated") {
            {
              shelf {
                __typename
                ... on Album {
                  id
                  name
                }
                ... on Film {
                  id
                }
              }
            }
          },
        }
        """,
    )
