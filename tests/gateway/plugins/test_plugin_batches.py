"""Plugins and batched requests (a JSON array): the hooks on the way out run once per item,
and the answer stays an array (an `on_response` adding extensions once replaced it)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.applications import Starlette

from examples.plugins.stamp import Stamp
from gateway.plugins import ErrorInfo, IncomingRequest, OperationInfo, OutgoingResponse
from tests.gateway.plugins.plugged_app import people_transport, plugged_app
from tests.gateway.server.test_server_direct_lane import call

BATCH = [
    {"query": "query A { people { name } }"},
    {"query": "query B { boom }"},
    {"query": "query C { people { id } }"},
]


class Counting:
    def __init__(self) -> None:
        self.seen: list[str] = []

    async def on_request(self, ctx: IncomingRequest) -> None:
        self.seen.append("request")

    async def on_operation(self, ctx: OperationInfo) -> None:
        self.seen.append(f"operation:{ctx.operation_name}")

    async def on_error(self, ctx: ErrorInfo) -> None:
        self.seen.append("error")
        ctx.errors = [{"message": "masked", "extensions": {"code": "MASKED"}}]

    async def on_response(self, ctx: OutgoingResponse) -> None:
        self.seen.append("response")
        ctx.headers["x-answers"] = str(self.seen.count("response"))


def batched(plugins: list[object]) -> Starlette:
    return plugged_app(plugins, people_transport(), **{"batching.enabled": "true"})


async def _send(app: Starlette) -> tuple[int, dict[str, str], list[dict[str, Any]]]:
    status, headers, body = await call(app, chunks=(orjson.dumps(BATCH),))
    answers: list[dict[str, Any]] = orjson.loads(body)
    return status, headers, answers


async def test_every_item_is_stamped_and_the_answer_stays_an_array() -> None:
    status, _, answers = await _send(batched([Stamp()]))
    assert status == 200
    assert [a.get("extensions") for a in answers] == [{"stamp": True}] * 3
    assert answers[0]["data"] == {"people": [{"name": "Ada Lovelace"}, {"name": "Grace Hopper"}]}
    assert answers[1]["errors"][0]["path"] == ["boom"]
    assert answers[2]["data"] == {"people": [{"id": "1"}, {"id": "2"}]}


async def test_request_hooks_run_once_and_the_way_out_per_item() -> None:
    counting = Counting()
    _, headers, answers = await _send(batched([counting]))
    assert counting.seen[0] == "request"
    assert sorted(s for s in counting.seen if s.startswith("operation")) == [
        "operation:A",
        "operation:B",
        "operation:C",
    ]
    assert counting.seen.count("error") == 1  # only B's answer has errors
    assert counting.seen.count("response") == 3
    assert headers["x-answers"] == "3"
    assert answers[1]["errors"] == [{"message": "masked", "extensions": {"code": "MASKED"}}]
    assert "errors" not in answers[0]
