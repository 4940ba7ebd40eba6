"""Planner: Mutations: top-level fields in order, one fetch per run of fields in the same subgraph.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from .support import assert_plan


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
