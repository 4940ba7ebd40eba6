"""Planner and executor: a field that returns the query type is re-entered in another subgraph.

`Touch.query: Query!` lives in `ops`; `Query.user` only in `users`, whose `Query` has no key.
The rest of the selection is a root query of `users` run at the path (`Flatten` over a fetch
with no representations), as Apollo's and Hive's planners do. Apollo wraps the selection in
`... on Query`; ours does not need to.
"""

from __future__ import annotations

from inspect import isawaitable
from typing import Any

from graphql import ExecutionResult, build_schema, graphql

from gateway.executor import RequestContext, execute_plan
from gateway.planner import build_query_plan
from gateway.shaping import shape_response
from gateway.transports import InProcessTransport
from tests.gateway.planner.support import assert_plan, prepare, supergraph

QUERY = 'mutation { touch { ok query { health user(id: "u1") { name } } } }'


def test_the_query_type_below_a_mutation_is_asked_of_another_subgraphs_root() -> None:
    assert_plan(
        "root-reentry",
        'mutation { touch { ok query { health user(id: "u1") { name } } } }',
        """
        QueryPlan {
          Sequence {
            Fetch(service: "ops") {
              {
                touch {
                  ok
                  query {
                    __typename
                    health
                  }
                }
              }
            },
            Flatten(path: "touch.query") {
              Fetch(service: "users") {
                {
                  user(id: "u1") {
                    name
                  }
                }
              },
            },
          },
        }
        """,
    )


class _Served:
    """A graphql-core schema with a root value, in the shape `InProcessTransport` accepts."""

    def __init__(self, sdl: str, root: dict[str, Any]) -> None:
        self.schema = build_schema(sdl)
        self.root = root

    async def execute(self, query: str, **options: Any) -> ExecutionResult:
        result = graphql(
            self.schema,
            query,
            root_value=self.root,
            variable_values=options.get("variable_values"),
            operation_name=options.get("operation_name"),
        )
        return await result if isawaitable(result) else result


async def test_the_reentered_answer_merges_at_the_path() -> None:
    ops = _Served(
        "type Query { health: Boolean! } type Mutation { touch: Touch! }"
        " type Touch { ok: Boolean! query: Query! }",
        {"touch": {"ok": True, "query": {"health": True}}},
    )
    users = _Served(
        "type Query { user(id: ID!): User } type User { id: ID! name: String! }",
        {"user": lambda _info, id: {"id": id, "name": f"user {id}"}},
    )
    graph = supergraph("root-reentry")
    prepared = prepare(graph, QUERY)
    plan = build_query_plan(graph, prepared)
    transport = InProcessTransport({"ops": ops, "users": users})
    outcome = await execute_plan(plan, {}, transport, RequestContext())
    body = shape_response(prepared, graph.api_schema, {}, outcome.data, outcome.errors)
    assert body == {
        "data": {"touch": {"ok": True, "query": {"health": True, "user": {"name": "user u1"}}}}
    }
    assert [r.service_name for r in transport.requests] == ["ops", "users"]
