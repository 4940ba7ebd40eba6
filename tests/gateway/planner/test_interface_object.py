"""Planner: `@interfaceObject`: representations typed as the interface, concrete types from a
subgraph that knows them.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_interface_object_field_through_interface_key() -> None:
    assert_plan(
        "interface-object",
        """{ media { id title reviews } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                media {
                  __typename
                  id
                  title
                }
              }
            },
            Flatten(path: "media.@") {
              Fetch(service: "reviews") {
                {
                  ... on Media {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Media {
                    reviews
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_typename_from_a_subgraph_that_knows_implementations() -> None:
    assert_plan(
        "interface-object",
        """{ topMedia { __typename id title reviews } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topMedia {
                  __typename
                  id
                  reviews
                }
              }
            },
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
                    title
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_concrete_fragment_under_an_interface_object() -> None:
    assert_plan(
        "interface-object",
        """{ topMedia { id reviews ... on Book { pages } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topMedia {
                  __typename
                  id
                  reviews
                }
              }
            },
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
            },
          },
        }
        """,
    )


def test_interface_object_root_field() -> None:
    assert_plan(
        "interface-object-advanced",
        """{ topRated { score title } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "ratings") {
              {
                topRated {
                  __typename
                  id
                  score
                }
              }
            },
            Flatten(path: "topRated.@") {
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
                    title
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_interface_object_with_typename_and_fragment() -> None:
    assert_plan(
        "interface-object-advanced",
        """{ topRated { __typename score ... on Book { pages } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "ratings") {
              {
                topRated {
                  __typename
                  id
                  score
                }
              }
            },
            Flatten(path: "topRated.@") {
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
            },
          },
        }
        """,
    )


def test_non_resolvable_interface_object() -> None:
    assert_plan(
        "interface-object-advanced",
        """{ featured { title score } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "refs") {
              {
                featured {
                  __typename
                  id
                }
              }
            },
            Parallel {
              Flatten(path: "featured") {
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
                      title
                    }
                  }
                },
              },
              Flatten(path: "featured") {
                Fetch(service: "ratings") {
                  {
                    ... on Media {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Media {
                      score
                    }
                  }
                },
              },
            },
          },
        }
        """,
    )


def test_concrete_types_jump_to_the_interface_object() -> None:
    assert_plan(
        "interface-object-advanced",
        """{ media { ... on Book { score pages } ... on Movie { title } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                media {
                  __typename
                  ... on Book {
                    __typename
                    id
                    pages
                  }
                  ... on Movie {
                    title
                  }
                }
              }
            },
            Flatten(path: "media.@") {
              Fetch(service: "ratings") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Media {
                    score
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_interface_object_extended_indirectly() -> None:
    """From the federation-gateway-audit suite interface-object-indirect-extension."""
    assert_plan(
        "audit-interface-object-indirect-extension",
        """
        {
          media {
            id
            title
            ... on Video {
              duration
              authorName
            }
            ... on Article {
              wordCount
            }
          }
          author {
            id
            name
          }
          playlist {
            id
            name
            media {
              id
              ... on Video {
                duration
              }
            }
          }
        }
        """,
        """
        QueryPlan {
          Parallel {
            Sequence {
              Fetch(service: "a") {
                {
                  media {
                    __typename
                    id
                    title
                    ... on Video {
                      __typename
                      id
                      duration
                    }
                    ... on Article {
                      wordCount
                    }
                  }
                }
              },
              Flatten(path: "media") {
                Fetch(service: "b") {
                  {
                    ... on Video {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Video {
                      authorName
                    }
                  }
                },
              },
            },
            Fetch(service: "b") {
              {
                author {
                  id
                  name
                }
              }
            },
            Sequence {
              Fetch(service: "c") {
                {
                  playlist {
                    id
                    name
                    media {
                      __typename
                      id
                    }
                  }
                }
              },
              Flatten(path: "playlist.media") {
                Fetch(service: "a") {
                  {
                    ... on Media {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Media {
                      __typename
                      ... on Video {
                        duration
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


def test_concrete_type_behind_an_interface_object_then_a_third_subgraph() -> None:
    assert_plan(
        "audit-interface-object-indirect-extension",
        """{ playlist { media { __typename ... on Video { authorName } } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "c") {
              {
                playlist {
                  media {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "playlist.media") {
              Fetch(service: "a") {
                {
                  ... on Media {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Media {
                    __typename
                    ... on Video {
                      __typename
                      id
                    }
                  }
                }
              },
            },
            Flatten(path: "playlist.media") {
              Fetch(service: "b") {
                {
                  ... on Video {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Video {
                    authorName
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_interface_object_root_with_requires() -> None:
    """After the federation-gateway-audit suite interface-object-with-requires."""
    assert_plan(
        "audit-interface-object-with-requires",
        """{ anotherUsers { id name username } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                anotherUsers {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "anotherUsers.@") {
              Fetch(service: "a") {
                {
                  ... on NodeWithName {
                    __typename
                    id
                  }
                } =>
                {
                  ... on NodeWithName {
                    __typename
                    name
                  }
                }
              },
            },
            Flatten(path: "anotherUsers.@") {
              Fetch(service: "b") {
                {
                  ... on NodeWithName {
                    __typename
                    id
                    name
                  }
                } =>
                {
                  ... on NodeWithName {
                    username
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_concrete_root_with_requires_on_the_interface_object() -> None:
    """Apollo requires `... on User { __typename id } ... on NodeWithName { __typename name }`; we
    require `... on User { __typename id name }`, the same data."""
    assert_plan(
        "audit-interface-object-with-requires",
        """{ users { id name username } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                users {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "users.@") {
              Fetch(service: "b") {
                {
                  ... on User {
                    __typename
                    id
                    name
                  }
                } =>
                {
                  ... on NodeWithName {
                    username
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_concrete_fragment_from_an_interface_object_root() -> None:
    assert_plan(
        "audit-interface-object-with-requires",
        """{ anotherUsers { ... on User { age } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                anotherUsers {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "anotherUsers.@") {
              Fetch(service: "a") {
                {
                  ... on NodeWithName {
                    __typename
                    id
                  }
                } =>
                {
                  ... on NodeWithName {
                    __typename
                    ... on User {
                      age
                    }
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_mixed_selection_through_an_interface_object_with_requires() -> None:
    """As above for the representation; Apollo also keeps `id` outside `... on User`."""
    assert_plan(
        "audit-interface-object-with-requires",
        """{ anotherUsers { ... on User { age id name username } id name } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                anotherUsers {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "anotherUsers.@") {
              Fetch(service: "a") {
                {
                  ... on NodeWithName {
                    __typename
                    id
                  }
                } =>
                {
                  ... on NodeWithName {
                    __typename
                    ... on User {
                      __typename
                      age
                      id
                      name
                    }
                    name
                  }
                }
              },
            },
            Flatten(path: "anotherUsers.@") {
              Fetch(service: "b") {
                {
                  ... on User {
                    __typename
                    id
                    name
                  }
                } =>
                {
                  ... on NodeWithName {
                    username
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_on_an_interface_object() -> None:
    assert_plan(
        "interface-object-requires",
        """{ media { id slug rating } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                media {
                  __typename
                  id
                  title
                }
              }
            },
            Flatten(path: "media.@") {
              Fetch(service: "reviews") {
                {
                  ... on Media {
                    __typename
                    id
                    title
                  }
                } =>
                {
                  ... on Media {
                    rating
                    slug
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_requires_on_an_interface_object_from_a_concrete_fragment() -> None:
    """Apollo requires `... on Book { __typename id } ... on Media { __typename title }`; we
    require `... on Book { __typename id title }`, the same data."""
    assert_plan(
        "interface-object-requires",
        """{ media { ... on Book { slug pages } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "media") {
              {
                media {
                  __typename
                  ... on Book {
                    __typename
                    id
                    pages
                    title
                  }
                }
              }
            },
            Flatten(path: "media.@") {
              Fetch(service: "reviews") {
                {
                  ... on Book {
                    __typename
                    id
                    title
                  }
                } =>
                {
                  ... on Media {
                    slug
                  }
                }
              },
            },
          },
        }
        """,
    )
