"""Planner: Circular references between subgraphs.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from .support import assert_plan


def test_circular_entity_references() -> None:
    assert_plan(
        "circular",
        """
        {
          books {
            title
            author {
              name
              books {
                title
                similar {
                  title
                  author {
                    name
                  }
                }
              }
            }
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "books") {
              {
                books {
                  title
                  author {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "books.@.author") {
              Fetch(service: "authors") {
                {
                  ... on Author {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Author {
                    name
                    books {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "books.@.author.books.@") {
              Fetch(service: "books") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Book {
                    title
                    similar {
                      title
                      author {
                        __typename
                        id
                      }
                    }
                  }
                }
              },
            },
            Flatten(path: "books.@.author.books.@.similar.@.author") {
              Fetch(service: "authors") {
                {
                  ... on Author {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Author {
                    name
                  }
                }
              },
            },
          },
        }
        """,
    )
