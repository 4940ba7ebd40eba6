"""Plugin hooks end to end in one process: order, refusals, changes, and failures masked."""

from __future__ import annotations

import logging

import pytest

from gateway.config import ConfigError
from gateway.planner import QueryPlan
from gateway.plugins import (
    ErrorInfo,
    IncomingRequest,
    OperationInfo,
    OutgoingResponse,
    PlanInfo,
    PluginTransport,
    Refuse,
    SubgraphCall,
)
from gateway.transports import SubgraphResponse
from tests.gateway.plugins.plugged_app import ask, people_transport, plugged_app


class Recorder:
    """Records every hook it is called in, tagged with its name."""

    def __init__(self, tag: str, seen: list[str]) -> None:
        self.tag, self.seen = tag, seen

    async def on_request(self, ctx: IncomingRequest) -> None:
        self.seen.append(f"{self.tag}.request")

    async def on_operation(self, ctx: OperationInfo) -> None:
        self.seen.append(f"{self.tag}.operation:{ctx.operation_name}:{ctx.kind}")

    async def on_plan(self, ctx: PlanInfo) -> None:
        assert isinstance(ctx.plan, QueryPlan)
        self.seen.append(f"{self.tag}.plan")

    async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
        self.seen.append(f"{self.tag}.subgraph_request:{ctx.service_name}")

    async def on_subgraph_response(self, ctx: SubgraphCall) -> None:
        self.seen.append(f"{self.tag}.subgraph_response")

    async def on_error(self, ctx: ErrorInfo) -> None:
        self.seen.append(f"{self.tag}.error")

    async def on_response(self, ctx: OutgoingResponse) -> None:
        self.seen.append(f"{self.tag}.response:{ctx.status}")


async def test_hooks_run_in_order_in_and_in_reverse_out() -> None:
    seen: list[str] = []
    app = plugged_app([Recorder("a", seen), Recorder("b", seen)], people_transport())
    status, _, body = await ask(app, "query Names { people { name } }")
    assert status == 200, body
    assert seen == [
        "a.request",
        "b.request",
        "a.operation:Names:query",
        "b.operation:Names:query",
        "a.plan",
        "b.plan",
        "a.subgraph_request:people",
        "b.subgraph_request:people",
        "b.subgraph_response",
        "a.subgraph_response",
        "b.response:200",
        "a.response:200",
    ]


async def test_on_error_runs_when_the_answer_has_errors_and_may_mask_them() -> None:
    class Masking:
        async def on_error(self, ctx: ErrorInfo) -> None:
            for error in ctx.errors:
                error["message"] = "masked"

    app = plugged_app([Masking()], people_transport())
    _, _, body = await ask(app, "{ boom }")
    assert [e["message"] for e in body["errors"]] == ["masked"]


class Refusing:
    def __init__(self, where: str) -> None:
        self.where = where

    async def on_request(self, ctx: IncomingRequest) -> None:
        if self.where == "request":
            raise Refuse("Go away.", code="GO_AWAY", status=401, extensions={"why": "test"})

    async def on_operation(self, ctx: OperationInfo) -> None:
        if self.where == "operation":
            raise Refuse("Not this one.", code="NOT_THIS")


@pytest.mark.parametrize(
    ("where", "status", "code"), [("request", 401, "GO_AWAY"), ("operation", 403, "NOT_THIS")]
)
async def test_a_refusal_answers_its_code_and_status_and_runs_nothing(
    where: str, status: int, code: str
) -> None:
    transport = people_transport()
    accept = {"accept": "application/graphql-response+json"}
    app = plugged_app([Refusing(where)], transport)
    got, headers, body = await ask(app, "{ people { name } }", headers=accept)
    assert got == status
    assert headers["content-type"].startswith("application/graphql-response+json")
    assert body["errors"][0]["extensions"]["code"] == code
    assert "data" not in body
    assert transport.requests == []


class Failing:
    def __init__(self, where: str) -> None:
        self.where = where

    async def on_request(self, ctx: IncomingRequest) -> None:
        self._maybe("request")

    async def on_plan(self, ctx: PlanInfo) -> None:
        self._maybe("plan")

    async def on_response(self, ctx: OutgoingResponse) -> None:
        self._maybe("response")

    def _maybe(self, where: str) -> None:
        if where == self.where:
            raise RuntimeError("secret internals")


@pytest.mark.parametrize("where", ["request", "plan", "response"])
async def test_a_failing_hook_is_logged_and_masked(
    where: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="gateway.plugins"):
        status, _, body = await ask(
            plugged_app([Failing(where)], people_transport()), "{ a: boom }"
        )
    assert status == 500
    assert body["errors"][0]["extensions"]["code"] == "PLUGIN_ERROR"
    assert "secret" not in str(body)
    assert any("secret internals" in (r.exc_text or "") for r in caplog.records)


async def test_a_subgraph_hook_changes_headers_and_variables() -> None:
    class Rewrite:
        async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
            ctx.headers["x-added"] = "by plugin"

    transport = people_transport()
    _, _, body = await ask(plugged_app([Rewrite()], transport), '{ header(name: "x-added") }')
    assert body == {"data": {"header": "by plugin"}}
    assert transport.requests[0].request.headers == {"x-added": "by plugin"}


async def test_a_subgraph_hook_answers_without_calling_the_subgraph() -> None:
    class Answer:
        async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
            ctx.result = SubgraphResponse(data={"people": [{"name": "From the plugin"}]})

    transport = people_transport()
    _, _, body = await ask(plugged_app([Answer()], transport), "{ people { name } }")
    assert body == {"data": {"people": [{"name": "From the plugin"}]}}
    assert transport.requests == []


async def test_a_failing_subgraph_hook_is_an_error_at_the_fetch() -> None:
    class Broken:
        async def on_subgraph_response(self, ctx: SubgraphCall) -> None:
            raise RuntimeError("secret internals")

    _, _, body = await ask(plugged_app([Broken()], people_transport()), "{ people { name } }")
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["PLUGIN_ERROR"]
    assert "secret" not in str(body)


async def test_on_response_adds_extensions_and_headers() -> None:
    class Decorate:
        async def on_response(self, ctx: OutgoingResponse) -> None:
            ctx.extensions["served"] = "yes"
            ctx.headers["x-plugin"] = "1"

    status, headers, body = await ask(
        plugged_app([Decorate()], people_transport()), "{ people { name } }"
    )
    assert status == 200
    assert body["extensions"] == {"served": "yes"}
    assert headers["x-plugin"] == "1"
    assert "x-supergraph-hash" in headers  # the endpoint's own headers are kept
    assert headers["content-type"] == "application/json; charset=utf-8"


def test_without_subgraph_hooks_the_executor_calls_the_transport_itself() -> None:
    transport = people_transport()
    assert plugged_app([], transport).state.serving.transport is transport
    assert plugged_app([Refusing("request")], transport).state.serving.transport is transport
    wrapped = plugged_app([Recorder("a", [])], transport).state.serving.transport
    assert isinstance(wrapped, PluginTransport)
    assert wrapped.inner is transport


def test_a_hook_that_is_not_async_fails_start_up() -> None:
    class Sync:
        def on_request(self, ctx: IncomingRequest) -> None:
            pass

    with pytest.raises(ConfigError, match="on_request must be an `async def` method"):
        plugged_app([Sync()], people_transport())


async def test_on_response_keeps_the_extensions_the_answer_had() -> None:
    class Decorate:
        async def on_response(self, ctx: OutgoingResponse) -> None:
            assert "queryPlan" in ctx.extensions
            ctx.extensions["served"] = "yes"

    app = plugged_app([Decorate()], people_transport(), **{"query_plan.expose": "true"})
    plan_header = {"apollo-query-plan-experimental": "1"}
    _, _, body = await ask(app, "{ people { name } }", headers=plan_header)
    assert body["data"] == {"people": [{"name": "Ada Lovelace"}, {"name": "Grace Hopper"}]}
    assert set(body["extensions"]) == {"queryPlan", "queryPlanText", "served"}
