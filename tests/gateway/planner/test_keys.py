"""Planner: `@key`: single, several, compound and nested keys, multi-hop jumps, `resolvable:
false`.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_single_key_entity_jump() -> None:
    assert_plan(
        "keys-single",
        """{ me { name posts { title } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "users") {
              {
                me {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "posts") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    posts {
                      title
                    }
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_several_keys_each_subgraph_gets_the_key_it_accepts() -> None:
    assert_plan(
        "keys-multiple",
        """{ product(id: "1") { name stock price } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                product(id: "1") {
                  __typename
                  id
                  sku
                  name
                }
              }
            },
            Parallel {
              Flatten(path: "product") {
                Fetch(service: "inventory") {
                  {
                    ... on Product {
                      __typename
                      sku
                    }
                  } =>
                  {
                    ... on Product {
                      stock
                    }
                  }
                },
              },
              Flatten(path: "product") {
                Fetch(service: "pricing") {
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
          },
        }
        """,
    )


def test_compound_nested_key() -> None:
    assert_plan(
        "keys-composite",
        """{ users { name bio } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "users") {
              {
                users {
                  __typename
                  id
                  org {
                    id
                  }
                  name
                }
              }
            },
            Flatten(path: "users.@") {
              Fetch(service: "profiles") {
                {
                  ... on User {
                    __typename
                    id
                    org {
                      id
                    }
                  }
                } =>
                {
                  ... on User {
                    bio
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_multi_hop_through_a_subgraph_with_both_keys() -> None:
    assert_plan(
        "keys-multi-hop",
        """{ item { id color } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                item {
                  __typename
                  upc
                  id
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "c") {
                {
                  ... on Item {
                    __typename
                    upc
                  }
                } =>
                {
                  ... on Item {
                    color
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_unresolvable_key_is_never_a_jump_target() -> None:
    assert_plan(
        "keys-unresolvable",
        """{ reviews { body author { id name } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                reviews {
                  body
                  author {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "reviews.@.author") {
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


def test_key_fetched_from_a_middle_subgraph_that_may_return_null() -> None:
    """From the federation-gateway-audit suite null-keys: b returns null for one book, so its `id`
    is missing and the executor must skip that representation in the fetch to c."""
    assert_plan(
        "audit-null-keys",
        """{ bookContainers { book { upc author { name } } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                bookContainers {
                  book {
                    __typename
                    upc
                  }
                }
              }
            },
            Flatten(path: "bookContainers.@.book") {
              Fetch(service: "b") {
                {
                  ... on Book {
                    __typename
                    upc
                  }
                } =>
                {
                  ... on Book {
                    id
                  }
                }
              },
            },
            Flatten(path: "bookContainers.@.book") {
              Fetch(service: "c") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Book {
                    author {
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


def test_entity_stubs_from_several_subgraphs() -> None:
    assert_plan(
        "keys-entity-stub",
        """{ me { displayName facebook { name } whatsapp { phoneNumber } } }""",
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
              },
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
              },
            },
          },
        }
        """,
    )
