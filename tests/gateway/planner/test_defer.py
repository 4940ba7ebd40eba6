"""Planner: `@defer` gives Apollo's `DeferNode`: the primary part, then deferred parts with their
paths, labels and the part each depends on; subgraph operations never carry `@defer`.

Each plan here was set beside Apollo's query planner with `incrementalDelivery.enableDefer`
(they agree but for printing: Apollo nests a deferred fragment's children in a `Defer` of
their own, its `depends` lists fetch ids, and its paths leave out `@`). A deferred fragment's
fields become fetches of its own part, entered by key from the primary fetch: fields of other
subgraphs, and an entity's fields its current subgraph resolves (asked again, so a slow field
never holds the first part back). A value type's fields (no key to ask by) come with the
enclosing fetch and are delivered with the part. Deferred root fields get a root fetch.
"""

from __future__ import annotations

from collections.abc import Mapping
from textwrap import dedent

from gateway.operation import split_defers
from gateway.planner import DeferNode, build_query_plan, print_plan
from gateway.supergraph import Supergraph
from tests.gateway.incremental.defer_support import supergraph as e2e_supergraph
from tests.gateway.planner.support import prepare, supergraph


def _plan(graph: Supergraph, query: str, active: Mapping[str, bool] | None = None) -> str:
    split = split_defers(prepare(graph, query), active or {})
    text = print_plan(build_query_plan(graph, split.planned))
    assert "@defer" not in text
    return text


def _assert(graph: Supergraph, query: str, expected: str, **active: bool) -> None:
    actual = _plan(graph, query, active)
    assert actual == dedent(expected).strip(), actual


def test_fields_of_other_subgraphs_are_fetched_in_the_deferred_part() -> None:
    _assert(
        supergraph("keys-entity-stub"),
        '{ me { displayName ... @defer(label: "fb") { facebook { name } } } }',
        """
        QueryPlan {
          Defer {
            Primary {
              Fetch(service: "accounts") {
                {
                  me {
                    __typename
                    id
                    displayName
                  }
                }
              },
            }, [
              Deferred(id: 0, depends: [], path: "me", label: "fb") {
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
              },
            ]
          },
        }
        """,
    )


def test_an_entitys_own_fields_are_asked_again_by_key_as_apollo_does() -> None:
    _assert(
        supergraph("keys-entity-stub"),
        "{ me { ... @defer { displayName } } }",
        """
        QueryPlan {
          Defer {
            Primary {
              Fetch(service: "accounts") {
                {
                  me {
                    __typename
                    id
                  }
                }
              },
            }, [
              Deferred(id: 0, depends: [], path: "me") {
                Flatten(path: "me") {
                  Fetch(service: "accounts") {
                    {
                      ... on Person {
                        __typename
                        id
                      }
                    } =>
                    {
                      ... on Person {
                        displayName
                      }
                    }
                  },
                },
              },
            ]
          },
        }
        """,
    )


def test_a_value_types_fields_come_with_the_enclosing_fetch() -> None:
    _assert(
        e2e_supergraph(),
        "{ topReviews { id ... @defer { body } } }",
        """
        QueryPlan {
          Defer {
            Primary {
              Fetch(service: "reviews") {
                {
                  topReviews {
                    id
                    body
                  }
                }
              },
            }, [
              Deferred(id: 0, depends: [], path: "topReviews/@") {},
            ]
          },
        }
        """,
    )


def test_deferred_root_fields_get_a_root_fetch_of_their_own() -> None:
    text = _plan(
        supergraph("keys-entity-stub"),
        '{ me { displayName } ... @defer(label: "later") { me { facebook { name } } } }',
    )
    primary, deferred = text.split('Deferred(id: 0, depends: [], path: "", label: "later")')
    assert primary.count('Fetch(service: "accounts")') == 1
    assert "facebook" not in primary
    assert deferred.count('Fetch(service: "accounts")') == 1  # me again, with its key
    assert 'Flatten(path: "me")' in deferred
    assert 'Fetch(service: "facebook")' in deferred


def test_a_nested_deferred_fragment_depends_on_the_enclosing_one() -> None:
    text = _plan(
        supergraph("keys-entity-stub"),
        """
        { me { displayName ... @defer(label: "outer") {
          facebook { name } ... @defer(label: "inner") { whatsapp { phoneNumber } } } } }
        """,
    )
    _, outer, inner = text.split("Deferred(")
    assert outer.startswith('id: 0, depends: [], path: "me", label: "outer")')
    assert 'Fetch(service: "facebook")' in outer
    assert "whatsapp" not in outer
    assert inner.startswith('id: 1, depends: [0], path: "me", label: "inner")')
    assert 'Fetch(service: "whatsapp")' in inner
    assert "facebook" not in inner


def test_a_deferred_fragment_in_a_list_has_a_path_through_every_element() -> None:
    _assert(
        e2e_supergraph(),
        "{ topProducts { name ...Reviews @defer } }"
        " fragment Reviews on Product { reviews { body } }",
        """
        QueryPlan {
          Defer {
            Primary {
              Fetch(service: "products") {
                {
                  topProducts {
                    __typename
                    upc
                    name
                  }
                }
              },
            }, [
              Deferred(id: 0, depends: [], path: "topProducts/@") {
                Flatten(path: "topProducts.@") {
                  Fetch(service: "reviews") {
                    {
                      ... on Product {
                        __typename
                        upc
                      }
                    } =>
                    {
                      ... on Product {
                        reviews {
                          body
                        }
                      }
                    }
                  },
                },
              },
            ]
          },
        }
        """,
    )


def test_defer_turned_off_plans_the_fragment_with_its_parent() -> None:
    graph = supergraph("keys-entity-stub")
    off = "{ me { displayName ... @defer(if: false) { facebook { name } } } }"
    plain = "{ me { displayName ... { facebook { name } } } }"
    assert _plan(graph, off) == _plan(graph, plain)
    by_variable = (
        "query ($d: Boolean!) { me { displayName ... @defer(if: $d) { facebook { name } } } }"
    )
    assert _plan(graph, by_variable, {"d": False}) == _plan(graph, plain)
    assert "Defer {" in _plan(graph, by_variable, {"d": True})


def test_a_client_taking_one_answer_gets_the_plain_plan() -> None:
    graph = supergraph("keys-entity-stub")
    query = '{ me { displayName ... @defer(label: "fb") { facebook { name } } } }'
    split = split_defers(prepare(graph, query), {}, enabled=False)
    plan = build_query_plan(graph, split.planned)
    assert not isinstance(plan.node, DeferNode)
    assert split.blocks == ()
    assert "@defer" not in print_plan(plan)


def test_batched_plans_split_the_same_way() -> None:
    graph = e2e_supergraph()
    query = "{ topProducts { name ... @defer { reviews { body author { name } } } } }"
    plan = build_query_plan(graph, split_defers(prepare(graph, query), {}).planned, batch=True)
    assert isinstance(plan.node, DeferNode)
    primary = print_plan(type(plan)(node=plan.node.primary))
    assert "reviews" not in primary
    assert "accounts" not in primary
    (part,) = plan.node.deferred
    assert part.path == ("topProducts", "@")
    assert part.node is not None
    deferred = print_plan(type(plan)(node=part.node))
    assert '"reviews"' in deferred
    assert '"accounts"' in deferred
