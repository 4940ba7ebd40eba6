"""Plugins and `@defer` answered in parts: `on_response` once on the first part, `on_error` on
every part's errors, and the deferred parts' subgraph requests inside the request's scope."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import orjson
import pytest
from starlette.applications import Starlette
from starlette.types import Message

from gateway.plugins import ErrorInfo, OutgoingResponse, SubgraphCall
from tests.gateway.plugins.plugged_app import people_transport, plugged_app

ACCEPT = "multipart/mixed;deferSpec=20220824"
STAMPED = 'query D { people { name } ... @defer(label: "later") { header(name: "x-stamp") } }'
FAILING = 'query F { people { name } ... @defer(label: "later") { boom } }'


async def stream(app: Starlette, query: str) -> tuple[int, dict[str, str], list[dict[str, Any]]]:
    """POST `query` accepting multipart; the status, headers and every part, read to the end."""
    request: list[Message] = [
        {"type": "http.request", "body": orjson.dumps({"query": query}), "more_body": False}
    ]
    done = asyncio.Event()
    out: list[Message] = []

    async def receive() -> Message:
        if request:
            return request.pop(0)
        await done.wait()  # the client stays until the answer is complete
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        out.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    headers = [(b"content-type", b"application/json"), (b"accept", ACCEPT.encode())]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 4000),
    }
    await asyncio.wait_for(app(scope, receive, send), 10)
    start = out[0]
    names = {k.decode(): v.decode() for k, v in start["headers"]}
    raw = b"".join(m.get("body", b"") for m in out[1:])
    if not names["content-type"].startswith("multipart/mixed"):
        return start["status"], names, [orjson.loads(raw)]
    pieces = re.split(rb"\r\n---(?:--)?\r\n", raw)[1:-1]
    return start["status"], names, [orjson.loads(p.partition(b"\r\n\r\n")[2]) for p in pieces]


class Stamp:
    """`stamp`'s hooks, counting `on_response`, with a response header."""

    def __init__(self) -> None:
        self.responses = 0

    async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
        assert ctx.scope is not None, "a subgraph request outside its client request"
        ctx.headers["x-stamp"] = ctx.scope.operation_name or ""

    async def on_response(self, ctx: OutgoingResponse) -> None:
        self.responses += 1
        ctx.extensions["stamp"] = True
        ctx.headers["x-stamped"] = "yes"


class Mask:
    """Replaces every error's message, as a masking plugin does."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.seen: list[str] = []

    async def on_error(self, ctx: ErrorInfo) -> None:
        self.seen.extend(error["message"] for error in ctx.errors)
        if self.fail and self.seen[-1].startswith("the people subgraph"):
            raise RuntimeError("a bug in the masking plugin")
        ctx.errors = [{**error, "message": "masked"} for error in ctx.errors]


async def test_deferred_parts_stream_with_on_response_once_on_the_first() -> None:
    stamp = Stamp()
    status, headers, parts = await stream(plugged_app([stamp], people_transport()), STAMPED)
    assert status == 200
    assert headers["content-type"].startswith("multipart/mixed")
    assert headers["x-stamped"] == "yes"
    assert parts[0] == {
        "data": {"people": [{"name": "Ada Lovelace"}, {"name": "Grace Hopper"}]},
        "hasNext": True,
        "extensions": {"stamp": True},
    }
    # the deferred fetch ran in the request's scope: stamped with its operation name
    assert parts[1:] == [
        {"incremental": [{"data": {"header": "D"}, "path": [], "label": "later"}], "hasNext": False}
    ]
    assert stamp.responses == 1


async def test_subgraph_hooks_alone_still_see_the_scope_in_deferred_parts() -> None:
    class OnlyStamp:
        async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
            ctx.headers["x-stamp"] = ctx.scope.operation_name or "" if ctx.scope else "no scope"

    _, _, parts = await stream(plugged_app([OnlyStamp()], people_transport()), STAMPED)
    assert parts[1]["incremental"][0]["data"] == {"header": "D"}


async def test_errors_of_later_parts_go_through_on_error() -> None:
    mask = Mask()
    _, _, parts = await stream(plugged_app([mask], people_transport()), FAILING)
    assert "errors" not in parts[0]
    [item] = parts[1]["incremental"]
    assert [e["message"] for e in item["errors"]] == ["masked"]
    assert mask.seen == ["the people subgraph failed on purpose"]


async def test_a_failing_on_error_masks_that_part_and_the_stream_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = plugged_app([Mask(fail=True)], people_transport())
    with caplog.at_level(logging.ERROR, "gateway.plugins"):
        status, _, parts = await stream(app, FAILING)
    assert status == 200
    [item] = parts[1]["incremental"]
    assert item["errors"] == [
        {
            "message": "A gateway plugin failed while handling this request.",
            "extensions": {"code": "PLUGIN_ERROR"},
        }
    ]
    assert parts[-1]["hasNext"] is False
    assert "a bug in the masking plugin" in caplog.text


async def test_a_failing_on_response_answers_the_masked_failure() -> None:
    class Broken:
        async def on_response(self, ctx: OutgoingResponse) -> None:
            raise RuntimeError("nope")

    status, _, parts = await stream(plugged_app([Broken()], people_transport()), STAMPED)
    assert status == 500
    assert parts == [
        {
            "errors": [
                {
                    "message": "A gateway plugin failed while handling this request.",
                    "extensions": {"code": "PLUGIN_ERROR"},
                }
            ]
        }
    ]
