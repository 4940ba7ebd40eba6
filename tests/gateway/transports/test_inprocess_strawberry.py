"""InProcessTransport runs a Strawberry federation schema inside the gateway's process."""

from __future__ import annotations

import strawberry

from gateway.executor import RequestContext, execute_plan
from gateway.planner.plan import FetchNode, FieldSelection, FlattenNode, QueryPlan, SequenceNode
from gateway.shaping import shape_response
from gateway.transports import InProcessTransport
from tests.gateway.executor.executor_support import api_schema, prepared

SEEN_HEADERS: list[dict[str, str]] = []


@strawberry.federation.type(keys=["id"], name="User")
class User:
    id: strawberry.ID
    nick: str | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, info: strawberry.Info) -> User:
        SEEN_HEADERS.append(dict(info.context["headers"]))
        return User(id=id, nick=f"nick-{id}")


@strawberry.type
class Query:
    @strawberry.field
    def me(self) -> User:
        return User(id=strawberry.ID("1"), nick="me")


SCHEMA = strawberry.federation.Schema(query=Query, types=[User])


async def test_strawberry_schema_in_process() -> None:
    transport = InProcessTransport(
        {"nicks": SCHEMA}, context_factory=lambda headers: {"headers": headers}
    )
    plan = QueryPlan(
        node=SequenceNode(
            nodes=(
                FetchNode(service_name="nicks", operation="{me{__typename id}}"),
                FlattenNode(
                    path=("me",),
                    node=FetchNode(
                        service_name="nicks",
                        operation=(
                            "query($representations:[_Any!]!){"
                            "_entities(representations:$representations){...on User{nick}}}"
                        ),
                        requires=(FieldSelection(name="__typename"), FieldSelection(name="id")),
                    ),
                ),
            )
        )
    )
    context = RequestContext(headers={"authorization": "Bearer t"})
    outcome = await execute_plan(plan, {}, transport, context)
    body = shape_response(prepared("{ me { nick } }"), api_schema, {}, outcome.data, [])
    assert body == {"data": {"me": {"nick": "nick-1"}}}
    assert transport.count("nicks") == 2
    assert SEEN_HEADERS == [{"authorization": "Bearer t"}]
