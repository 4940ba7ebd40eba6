"""Planner: fields whose subgraph metadata leaves no way to fetch them are planning errors.

An implementation whose field is `@external` in the subgraph that returns it (and whose key
is that field) cannot be completed there or jumped from, and a field that exists only on a
`@key(resolvable: false)` interface object cannot be fetched at all: both refuse to plan
instead of reading a value the subgraph only declares. An interface field kept on the
interface in a fetch must be resolved there by every implementation the subgraph returns;
one overridden elsewhere is asked of the overriding subgraph.
"""

from __future__ import annotations

import pytest

from gateway.planner import PlanningError
from tests.gateway.planner.support import assert_plan, plan_text


def test_an_overridden_implementation_field_is_fetched_from_the_overriding_subgraph() -> None:
    assert_plan(
        "interface-override",
        "{ feed { id publishedAt } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "posts") {
              {
                feed {
                  __typename
                  ... on PhotoPost {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "feed.@") {
              Fetch(service: "timeline") {
                {
                  ... on PhotoPost {
                    __typename
                    id
                  }
                } =>
                {
                  ... on PhotoPost {
                    publishedAt
                  }
                }
              },
            },
          },
        }
        """,
    )


@pytest.mark.parametrize(
    "query",
    [
        '{ node(id: "p1") { id } }',
        '{ a: node(id: "p1") { id ... on Thread { id } } '
        'b: node(id: "t1") { ... on Person { id } } }',
    ],
)
def test_an_external_key_on_a_returned_implementation_is_a_planning_error(query: str) -> None:
    with pytest.raises(PlanningError, match=r"no subgraph can resolve (Thread|Person)\.\{id\}"):
        plan_text("external-keys", query)


def test_external_key_fields_still_come_from_representations() -> None:
    assert_plan(
        "external-keys",
        '{ thread(id: "t1") { id subject starter { id nickname threads { id } } } }',
        """
        QueryPlan {
          Sequence {
            Fetch(service: "threads") {
              {
                thread(id: "t1") {
                  __typename
                  id
                  subject
                }
              }
            },
            Flatten(path: "thread") {
              Fetch(service: "people") {
                {
                  ... on Thread {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Thread {
                    starter {
                      __typename
                      id
                      nickname
                    }
                  }
                }
              },
            },
            Flatten(path: "thread.starter") {
              Fetch(service: "threads") {
                {
                  ... on Person {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Person {
                    threads {
                      id
                    }
                  }
                }
              },
            },
          },
        }
        """,
    )
