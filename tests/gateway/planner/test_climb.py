"""Planner: selections no subgraph can reach directly are asked of the parent position.

A value type has no key to jump by, so its fields in another subgraph are fetched through the
field that leads to it (`Product.category` again, by `Product`'s key), and a shared root field
is asked of every subgraph that completes part of its selection. Apollo's planner gives the
same plans for these operations, up to the order of independent fetches and an unused
`__typename`.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_a_value_type_field_is_fetched_through_the_parent_entity() -> None:
    """`Category` has no key in `stats`: `stats` is reached by `Product`'s key, `category` again."""
    assert_plan(
        "climb-parent",
        """{ products { id category { id stats { productCount } } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  __typename
                  sku
                  id
                  category {
                    id
                  }
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "stats") {
                {
                  ... on Product {
                    __typename
                    id
                    sku
                  }
                } =>
                {
                  ... on Product {
                    category {
                      stats {
                        productCount
                      }
                    }
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_a_key_that_only_another_subgraph_resolves_comes_through_the_parent() -> None:
    """`Section.id` (the key into `sections`) is only in `taxonomy`, below `Product.section`; the
    `sections` fetch waits for `taxonomy` alone, as in Apollo's plan."""
    assert_plan(
        "climb-parent",
        """{ featured(id: "1") { id label section { id heading blurb } } }""",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                featured(id: "1") {
                  __typename
                  id
                  label
                }
              }
            },
            Parallel {
              Flatten(path: "featured") {
                Fetch(service: "listing") {
                  {
                    ... on Product {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Product {
                      section {
                        blurb
                      }
                    }
                  }
                },
              },
              Sequence {
                Flatten(path: "featured") {
                  Fetch(service: "taxonomy") {
                    {
                      ... on Product {
                        __typename
                        id
                      }
                    } =>
                    {
                      ... on Product {
                        section {
                          __typename
                          id
                        }
                      }
                    }
                  },
                },
                Flatten(path: "featured.section") {
                  Fetch(service: "sections") {
                    {
                      ... on Section {
                        __typename
                        id
                      }
                    } =>
                    {
                      ... on Section {
                        id
                        heading
                      }
                    }
                  },
                },
              },
            },
          },
        }
        """,
    )


def test_a_shared_root_field_is_asked_of_every_subgraph_that_completes_it() -> None:
    """`Gadget` is a value type everywhere: each subgraph's part comes from its own root fetch."""
    assert_plan(
        "climb-shared-root",
        """{ gadgets { id naming { brand } price { amount } kind { label } } }""",
        """
        QueryPlan {
          Parallel {
            Fetch(service: "kinds") {
              {
                gadgets {
                  id
                  kind {
                    label
                  }
                }
              }
            },
            Fetch(service: "names") {
              {
                gadgets {
                  naming {
                    brand
                  }
                }
              }
            },
            Fetch(service: "prices") {
              {
                gadgets {
                  price {
                    amount
                  }
                }
              }
            },
          },
        }
        """,
    )


def test_a_union_member_unknown_to_the_resolving_subgraph_gives_an_empty_object() -> None:
    """`viewer` is shared; `onlyKinds` is only in `kinds`, which does not know `Record`: that
    fragment is dropped there (the object shapes to `{}`), not a planning failure."""
    assert_plan(
        "climb-shared-root",
        """{ viewer { onlyKinds { ... on Record { grooves } ... on Tape { id } }
             onlyMedia { ... on Tape { id } ... on Record { grooves } } } }""",
        """
        QueryPlan {
          Parallel {
            Fetch(service: "kinds") {
              {
                viewer {
                  onlyKinds {
                    __typename
                    ... on Tape {
                      id
                    }
                  }
                }
              }
            },
            Fetch(service: "media") {
              {
                viewer {
                  onlyMedia {
                    __typename
                    ... on Record {
                      grooves
                    }
                  }
                }
              }
            },
          },
        }
        """,
    )


def test_a_field_selected_on_an_interface_climbs_through_each_implementation() -> None:
    """`Holder.tag` leads to a value type whose `color` only `labels` has: each implementation
    `shelf` may return is asked of `labels` by its own key."""
    assert_plan(
        "climb-abstract",
        "{ item { tag { color } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "shelf") {
              {
                item {
                  __typename
                  ... on Box {
                    __typename
                    id
                  }
                  ... on Crate {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "item") {
              Fetch(service: "labels") {
                {
                  ... on Box {
                    __typename
                    id
                  }
                  ... on Crate {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Box {
                    tag {
                      color
                    }
                  }
                  ... on Crate {
                    tag {
                      color
                    }
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_a_shared_mutation_field_starts_where_its_whole_selection_can_be_planned() -> None:
    """`Gizmo.y` is only in `labels`, whose key is not resolvable, and a mutation field cannot
    run twice: the mutation starts in `labels` and `x` comes from `shelf` by key."""
    assert_plan(
        "climb-abstract",
        "mutation { make { x y } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "labels") {
              {
                make {
                  __typename
                  id
                  y
                }
              }
            },
            Flatten(path: "make") {
              Fetch(service: "shelf") {
                {
                  ... on Gizmo {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Gizmo {
                    x
                  }
                }
              },
            },
          },
        }
        """,
    )
