"""Planner: Circular references between subgraphs.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


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


def test_requires_going_back_and_forth_between_two_subgraphs() -> None:
    assert_plan(
        "requires-circular",
        """{ feed { byExpert byNovice author { name } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                feed {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "b") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    author {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "feed.@.author") {
              Fetch(service: "a") {
                {
                  ... on Author {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Author {
                    name
                    yearsOfExperience
                  }
                }
              },
            },
            Flatten(path: "feed.@") {
              Fetch(service: "b") {
                {
                  ... on Post {
                    __typename
                    id
                    author {
                      yearsOfExperience
                    }
                  }
                } =>
                {
                  ... on Post {
                    byNovice
                  }
                }
              },
            },
            Flatten(path: "feed.@") {
              Fetch(service: "a") {
                {
                  ... on Post {
                    __typename
                    id
                    byNovice
                  }
                } =>
                {
                  ... on Post {
                    byExpert
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_of_a_requires_input() -> None:
    assert_plan(
        "requires-circular",
        """{ feed { byExpert } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                feed {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "b") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    author {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "feed.@.author") {
              Fetch(service: "a") {
                {
                  ... on Author {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Author {
                    yearsOfExperience
                  }
                }
              },
            },
            Flatten(path: "feed.@") {
              Fetch(service: "b") {
                {
                  ... on Post {
                    __typename
                    id
                    author {
                      yearsOfExperience
                    }
                  }
                } =>
                {
                  ... on Post {
                    byNovice
                  }
                }
              },
            },
            Flatten(path: "feed.@") {
              Fetch(service: "a") {
                {
                  ... on Post {
                    __typename
                    id
                    byNovice
                  }
                } =>
                {
                  ... on Post {
                    byExpert
                  }
                }
              },
            },
          },
        }
        """,
    )
