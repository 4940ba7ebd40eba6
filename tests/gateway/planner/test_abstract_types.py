"""Planner: Interfaces and unions across subgraphs: type conditions, partial unions, entity
interfaces.

Each expected plan was set beside Apollo's query planner for the same supergraph and
operation (`apollo_reference.mjs plan`); they agree up to the order of independent fetches
and of fields, unless a test says otherwise.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_interfaces_with_implementations_in_several_subgraphs() -> None:
    assert_plan(
        "abstract-interface",
        """
        {
          animals {
            name
            ... on Dog {
              barks
            }
          }
          pets {
            name
            ... on Cat {
              meows
            }
          }
        }
        """,
        """
        QueryPlan {
          Parallel {
            Fetch(service: "a") {
              {
                animals {
                  __typename
                  name
                  ... on Dog {
                    barks
                  }
                }
              }
            },
            Fetch(service: "b") {
              {
                pets {
                  __typename
                  name
                  ... on Cat {
                    meows
                  }
                }
              }
            },
          },
        }
        """,
    )


def test_union_members_from_different_subgraphs() -> None:
    assert_plan(
        "abstract-union",
        """
        {
          search {
            ... on Book {
              title
              year
            }
            ... on Author {
              name
            }
            ... on Magazine {
              issue
            }
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                search {
                  __typename
                  ... on Book {
                    __typename
                    id
                    title
                  }
                  ... on Author {
                    name
                  }
                }
              }
            },
            Flatten(path: "search.@") {
              Fetch(service: "b") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Book {
                    year
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_union_typename_and_partial_members() -> None:
    assert_plan(
        "abstract-union",
        """
        {
          browse {
            __typename
            ... on Book {
              title
              year
            }
            ... on Magazine {
              issue
            }
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                browse {
                  __typename
                  ... on Book {
                    __typename
                    id
                    year
                  }
                  ... on Magazine {
                    issue
                  }
                }
              }
            },
            Flatten(path: "browse.@") {
              Fetch(service: "a") {
                {
                  ... on Book {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Book {
                    title
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_partial_union_drops_members_a_subgraph_cannot_return() -> None:
    assert_plan(
        "partial-union",
        """{ results { ... on Dog { name barks } ... on Cat { name } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                results {
                  __typename
                  ... on Dog {
                    __typename
                    id
                    name
                  }
                  ... on Cat {
                    name
                  }
                }
              }
            },
            Flatten(path: "results.@") {
              Fetch(service: "b") {
                {
                  ... on Dog {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Dog {
                    barks
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_partial_union_in_the_other_subgraph() -> None:
    assert_plan(
        "partial-union",
        """
        {
          others {
            __typename
            ... on Dog {
              name
              barks
            }
            ... on Fish {
              fins
            }
          }
        }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                others {
                  __typename
                  ... on Dog {
                    __typename
                    id
                    barks
                  }
                  ... on Fish {
                    fins
                  }
                }
              }
            },
            Flatten(path: "others.@") {
              Fetch(service: "a") {
                {
                  ... on Dog {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Dog {
                    name
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_entity_interface_field_in_another_subgraph() -> None:
    assert_plan(
        "interface-entity",
        """{ node(id: "1") { id ... on User { name age } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                node(id: "1") {
                  __typename
                  id
                  ... on User {
                    __typename
                    id
                    name
                  }
                }
              }
            },
            Flatten(path: "node") {
              Fetch(service: "b") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    age
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_interface_implemented_in_a_subset_of_subgraphs() -> None:
    assert_plan(
        "interface-implements-subset",
        """{ named { name ... on Person { age } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                named {
                  __typename
                  name
                  ... on Person {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "named.@") {
              Fetch(service: "b") {
                {
                  ... on Person {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Person {
                    age
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_interface_fragment_on_a_union_member_that_implements_it_only_elsewhere() -> None:
    """From the federation-gateway-audit suite union-interface-distributed: subgraph a does not
    know that Oven implements Node, so the fragment is expanded per type."""
    assert_plan(
        "audit-union-interface-distributed",
        """{ products { ... on Node { id } } }""",
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              products {
                __typename
                ... on Oven {
                  id
                }
                ... on Toaster {
                  id
                }
              }
            }
          },
        }
        """,
    )


def test_interface_fragments_nested_in_interface_fragments() -> None:
    assert_plan(
        "audit-union-interface-distributed",
        """{ nodes { ... on Node { ... on WithWarranty { warranty } } } }""",
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              nodes {
                __typename
                ... on Toaster {
                  warranty
                }
              }
            }
          },
        }
        """,
    )


def test_repeated_interface_fragments_expand_per_type() -> None:
    """Apollo keeps `id` on the interface and `warranty` under `... on Toaster`; we put both under
    `... on Toaster`, the only type subgraph a returns for Node."""
    assert_plan(
        "audit-union-interface-distributed",
        """
        {
          nodes {
            ... on Node {
              id
              ... on Node {
                id
                ... on WithWarranty {
                  warranty
                }
              }
            }
          }
        }
        """,
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              nodes {
                __typename
                ... on Toaster {
                  id
                  warranty
                }
              }
            }
          },
        }
        """,
    )


def test_fragment_on_a_type_the_field_cannot_return_in_that_subgraph() -> None:
    assert_plan(
        "audit-union-interface-distributed",
        """{ node(id: "oven1") { ... on Oven { warranty } } }""",
        """
        QueryPlan {
          Fetch(service: "a") {
            {
              node(id: "oven1") {
                __typename
              }
            }
          },
        }
        """,
    )


def test_interface_fragment_on_a_union_reaching_another_subgraph() -> None:
    assert_plan(
        "audit-union-interface-distributed",
        """{ products { ... on WithWarranty { warranty } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                products {
                  __typename
                  ... on Oven {
                    __typename
                    id
                  }
                  ... on Toaster {
                    warranty
                  }
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "b") {
                {
                  ... on Oven {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Oven {
                    warranty
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_union_of_entity_stubs() -> None:
    assert_plan(
        "accounts-center",
        """
        {
          me {
            whatsapp {
              statuses {
                sharedTo {
                  platform
                  story {
                    ... on FacebookStory {
                      id
                      caption
                    }
                    ... on InstagramStory {
                      id
                      caption
                    }
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
            Fetch(service: "accounts") {
              {
                me {
                  __typename
                  id
                }
              }
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
                      statuses {
                        sharedTo {
                          platform
                          story {
                            __typename
                            ... on FacebookStory {
                              __typename
                              id
                            }
                            ... on InstagramStory {
                              __typename
                              id
                            }
                          }
                        }
                      }
                    }
                  }
                }
              },
            },
            Parallel {
              Flatten(path: "me.whatsapp.statuses.@.sharedTo.@.story") {
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
              Flatten(path: "me.whatsapp.statuses.@.sharedTo.@.story") {
                Fetch(service: "instagram") {
                  {
                    ... on InstagramStory {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on InstagramStory {
                      caption
                    }
                  }
                },
              },
            },
          },
        }
        """,
    )
