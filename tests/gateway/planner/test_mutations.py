"""Planner: Mutations: top-level fields in order, one fetch per run of fields in the same subgraph.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_consecutive_fields_of_one_subgraph_share_a_fetch() -> None:
    assert_plan(
        "mutations",
        """
        mutation {
          x: createA(name: "a")
          y: createA(name: "b")
          createB(name: "c")
          z: createA(name: "d")
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                x: createA(name: "a")
                y: createA(name: "b")
              }
            },
            Fetch(service: "b") {
              {
                createB(name: "c")
              }
            },
            Fetch(service: "a") {
              {
                z: createA(name: "d")
              }
            },
          },
        }
        """,
    )


def test_mutation_fields_run_in_order_across_subgraphs() -> None:
    """From the federation-gateway-audit suite mutations."""
    assert_plan(
        "audit-mutations",
        """
        mutation {
          five: add(num: 5, requestId: "r")
          ten: multiply(by: 2, requestId: "r")
          twelve: add(num: 2, requestId: "r")
          final: delete(requestId: "r")
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                five: add(num: 5, requestId: "r")
              }
            },
            Fetch(service: "a") {
              {
                ten: multiply(by: 2, requestId: "r")
              }
            },
            Fetch(service: "c") {
              {
                twelve: add(num: 2, requestId: "r")
              }
            },
            Fetch(service: "b") {
              {
                final: delete(requestId: "r")
              }
            },
          },
        }
        """,
    )


def test_mutation_result_with_requires() -> None:
    assert_plan(
        "audit-mutations",
        """
        mutation {
          addProduct(input: {name: "new", price: 599.99}) {
            name
            price
            isExpensive
            isAvailable
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                addProduct(input: {name: "new", price: 599.99}) {
                  __typename
                  id
                  name
                  price
                }
              }
            },
            Flatten(path: "addProduct") {
              Fetch(service: "b") {
                {
                  ... on Product {
                    __typename
                    id
                    price
                  }
                } =>
                {
                  ... on Product {
                    isAvailable
                    isExpensive
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_shared_mutation_field_goes_to_the_subgraph_resolving_most() -> None:
    assert_plan(
        "audit-mutations",
        """mutation { addCategory(name: "new", requestId: "r") { id name } }""",
        """
        QueryPlan {
          Fetch(service: "b") {
            {
              addCategory(name: "new", requestId: "r") {
                id
                name
              }
            }
          },
        }
        """,
    )


def test_mutation_result_with_entity_jumps() -> None:
    assert_plan(
        "accounts-center",
        """
        mutation Post($t: String!) {
          postStatus(text: $t) {
            id
            text
            sharedTo {
              platform
              story {
                ... on FacebookStory {
                  caption
                }
              }
            }
          }
          linkAccount(platform: FACEBOOK, accountId: "1", proofCode: "x") {
            linkedAt
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "whatsapp") {
              {
                postStatus(text: $t) {
                  id
                  text
                  sharedTo {
                    platform
                    story {
                      __typename
                      ... on FacebookStory {
                        __typename
                        id
                      }
                    }
                  }
                }
              }
            },
            Flatten(path: "postStatus.sharedTo.@.story") {
              Fetch(service: "facebook") {
                {
                  ... on FacebookStory {
                    __typename
                    id
                  }
                } =>
                {
                  ... on FacebookStory {
                    caption
                  }
                }
              },
            },
            Fetch(service: "accounts") {
              {
                linkAccount(platform: FACEBOOK, accountId: "1", proofCode: "x") {
                  linkedAt
                }
              }
            },
          },
        }
        """,
    )
