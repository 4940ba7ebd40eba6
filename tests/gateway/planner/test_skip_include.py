"""Planner: `@skip`/`@include`: literal conditions decided now, variable ones passed through or
turned into Condition nodes.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from .support import assert_plan


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
