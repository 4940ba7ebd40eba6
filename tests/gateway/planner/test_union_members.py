"""Planner: which union members a fetch selects where several subgraphs resolve the path.

`Item` is `Coin | Gem` in `left` and `Coin | Pearl` in `right`. Apollo's planner gives the
same plans.
"""

from __future__ import annotations

from tests.gateway.planner.support import assert_plan


def test_a_union_below_a_path_two_subgraphs_resolve_selects_the_members_both_know() -> None:
    """`Box.tray` could come from `left` or `right`: only `Coin`, known to both, is selected
    (a `Gem` from `left` shows its `__typename`, with `carats` null)."""
    assert_plan(
        "union-members",
        "{ leftBox { tray { items { __typename "
        "... on Coin { value } ... on Gem { carats } ... on Pearl { lustre } } } } }",
        """
        QueryPlan {
          Fetch(service: "left") {
            {
              leftBox {
                tray {
                  items {
                    __typename
                    ... on Coin {
                      value
                    }
                  }
                }
              }
            }
          },
        }
        """,
    )


def test_a_union_behind_an_entity_hop_uses_the_target_subgraphs_members() -> None:
    """`rightTray` is only in `right`: its own members (`Coin`, `Pearl`) are selected."""
    assert_plan(
        "union-members",
        "{ leftBox { rightTray { items { __typename "
        "... on Coin { value } ... on Gem { carats } ... on Pearl { lustre } } } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "left") {
              {
                leftBox {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "leftBox") {
              Fetch(service: "right") {
                {
                  ... on Box {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Box {
                    rightTray {
                      items {
                        __typename
                        ... on Coin {
                          value
                        }
                        ... on Pearl {
                          lustre
                        }
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
