"""The app's direct lane to the GraphQL endpoint, driven as raw ASGI (no sockets).

The lane skips Starlette's generic layers for GraphQL requests; these tests pin what those
layers used to guarantee and what the hand-built responses and body reading must keep.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson
import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.types import Message

from gateway.config import load_config
from gateway.server import create_app
from gateway.server.responses import graphql_response
from gateway.supergraph import Supergraph, load_supergraph
from gateway.transports import SubgraphRequest, SubgraphResponse, SubgraphResult
from tests.gateway.server.server_support import people_supergraph


class Canned:
    """A transport answering every fetch with one person."""

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        return SubgraphResponse(data={"people": [{"id": "1", "name": "Ada"}]})


def supergraph() -> Supergraph:
    loaded = load_supergraph(people_supergraph("http://127.0.0.1:1/graphql"))
    assert isinstance(loaded, Supergraph)
    return loaded


def app(**overrides: object) -> Starlette:
    config = load_config(environ={}, overrides={"mode": "production", **overrides})
    return create_app(config, supergraph=supergraph(), transport=Canned())


async def call(
    target: Starlette,
    method: str = "POST",
    path: str = "/graphql",
    chunks: tuple[bytes, ...] = (orjson.dumps({"query": "{ people { name } }"}),),
    headers: Mapping[str, str] | None = None,
    disconnect: bool = False,
) -> tuple[int, dict[str, str], bytes]:
    sent_headers = {"content-type": "application/json", **(headers or {})}
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.encode(), v.encode()) for k, v in sent_headers.items()],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 4000),
    }
    pending: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    if disconnect:
        pending[-1]["more_body"] = True
        pending.append({"type": "http.disconnect"})
    out: list[Message] = []

    async def receive() -> Message:
        return pending.pop(0)

    async def send(message: Message) -> None:
        out.append(message)

    await target(scope, receive, send)
    start, body = out[0], out[1]
    names = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], names, body["body"]


async def test_a_query_is_answered_on_the_lane() -> None:
    status, headers, body = await call(app())
    assert status == 200
    assert orjson.loads(body) == {"data": {"people": [{"name": "Ada"}]}}
    assert headers["content-type"] == "application/json; charset=utf-8"  # no Accept sent
    assert headers["content-length"] == str(len(body))


async def test_a_body_in_several_messages_is_joined() -> None:
    whole = orjson.dumps({"query": "{ people { id } }"})
    status, _, body = await call(app(), chunks=(whole[:5], whole[5:9], whole[9:]))
    assert status == 200
    assert orjson.loads(body) == {"data": {"people": [{"id": "1"}]}}


async def test_the_body_limit_counts_every_message() -> None:
    target = app(**{"limits.max_body_bytes": 1024})
    status, _, body = await call(target, chunks=(b" " * 600, b" " * 600))
    assert status == 413
    assert orjson.loads(body)["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_a_client_that_disconnects_mid_body_is_a_bad_request() -> None:
    status, _, body = await call(app(), chunks=(b'{"query": ',), disconnect=True)
    assert status == 400
    assert "disconnected" in orjson.loads(body)["errors"][0]["message"]


async def test_an_unexpected_exception_is_a_plain_500_and_reraised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = app()

    async def broken(request: object) -> Response:
        raise RuntimeError("bug")

    monkeypatch.setattr(target, "_endpoint", broken)
    out: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: Message) -> None:
        out.append(message)

    scope = {"type": "http", "method": "POST", "path": "/graphql", "root_path": "", "headers": []}
    with pytest.raises(RuntimeError, match="bug"):
        await target(scope, receive, send)
    assert out[0]["status"] == 500
    assert out[1]["body"] == b"Internal Server Error"


async def test_odd_methods_still_get_the_routers_answers() -> None:
    status, headers, _ = await call(app(), method="TRACE")
    assert status == 405
    assert "GET" in headers["allow"]
    status, headers, body = await call(app(), method="PUT")
    assert status == 405  # the endpoint's GraphQL-shaped answer
    assert headers["allow"] == "GET, POST"
    assert orjson.loads(body)["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_with_cors_the_middleware_still_runs() -> None:
    target = app(**{"cors.allow_origins": ["https://app.example"]})
    _, headers, _ = await call(target, headers={"origin": "https://app.example"})
    assert headers["access-control-allow-origin"] == "https://app.example"


@pytest.mark.parametrize("extra", [None, {"Allow": "GET, POST"}, {"vary": "accept"}])
def test_responses_carry_the_headers_starlette_would_send(
    extra: dict[str, str] | None,
) -> None:
    body = {"data": {"x": "é"}}
    ours = graphql_response(body, 400, "application/json", extra)
    theirs = Response(
        orjson.dumps(body),
        400,
        headers=extra,
        media_type="application/json; charset=utf-8",
    )
    assert ours.body == theirs.body
    assert ours.status_code == theirs.status_code
    assert ours.raw_headers == theirs.raw_headers
    assert ours.headers["content-type"] == "application/json; charset=utf-8"
