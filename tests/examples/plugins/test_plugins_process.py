"""The example plugins in a real gateway process before the real `people` subgraph: `stamp`
from `--plugin` (with `@defer` too), the allowlist and the request log from a YAML `plugins:`
list (the allowlist over WebSocket and SSE too)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from devstack.processes import Service
from tests.gateway.server.server_support import post_json, start_gateway_process
from tests.gateway.subscriptions.protocol_client import connected

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stamped(work_dir: Path, supergraph_file: Path) -> Iterator[Service]:
    args = ["--supergraph", str(supergraph_file), "--plugin", "examples.plugins.stamp:plugin"]
    gateway = start_gateway_process(args, work_dir / "stamped.log")
    try:
        yield gateway
    finally:
        gateway.stop()


@pytest.fixture(scope="module")
def guarded(work_dir: Path, supergraph_file: Path) -> Iterator[tuple[Service, Path]]:
    log = work_dir / "requests.jsonl"
    log.unlink(missing_ok=True)
    config = work_dir / "gateway.yaml"
    config.write_text(
        "plugins:\n"
        f"  - use: examples.plugins.request_log:RequestLog\n    config: {{path: {log}}}\n"
        "  - use: examples.plugins.allowlist:ClientAllowlist\n"
        "    config: {clients: {ios-app: [Names]}}\n",
        encoding="utf-8",
    )
    args = ["--config", str(config), "--supergraph", str(supergraph_file)]
    gateway = start_gateway_process(args, work_dir / "guarded.log")
    try:
        yield gateway, log
    finally:
        gateway.stop()


def test_every_subgraph_request_is_stamped_and_every_answer_too(stamped: Service) -> None:
    query = 'query Stamped { header(name: "x-stamp") people { name } }'
    reply = post_json(stamped.port, {"query": query})
    assert reply.status == 200
    body = reply.json()
    assert body["data"]["header"] == "Stamped"  # what the subgraph received
    assert body["extensions"] == {"stamp": True}
    anonymous = post_json(stamped.port, {"query": '{ header(name: "x-stamp") }'}).json()
    assert anonymous == {"data": {"header": ""}, "extensions": {"stamp": True}}


def test_deferred_parts_are_stamped_and_streamed(stamped: Service) -> None:
    query = 'query Later { people { name } ... @defer { header(name: "x-stamp") } }'
    accept = "multipart/mixed;deferSpec=20220824"
    reply = post_json(stamped.port, {"query": query}, accept=accept)
    assert reply.status == 200, reply.body
    assert reply.content_type.startswith("multipart/mixed")
    pieces = re.split(rb"\r\n---(?:--)?\r\n", reply.body)[1:-1]
    parts = [orjson.loads(piece.partition(b"\r\n\r\n")[2]) for piece in pieces]
    assert parts[0]["extensions"] == {"stamp": True}
    assert parts[1] == {
        "incremental": [{"data": {"header": "Later"}, "path": []}],
        "hasNext": False,
    }


def test_yaml_plugins_refuse_unlisted_operations_and_log_each_request(
    guarded: tuple[Service, Path],
) -> None:
    gateway, log = guarded
    listed = {"x-client-name": "ios-app"}
    ok = post_json(gateway.port, {"query": "query Names { people { name } }"}, headers=listed)
    assert ok.status == 200
    assert ok.json()["data"]["people"][0]["name"] == "Ada Lovelace"
    other = post_json(gateway.port, {"query": "query Other { people { id } }"}, headers=listed)
    assert other.status == 403
    assert other.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
    stranger = post_json(gateway.port, {"query": "query Names { people { name } }"})
    assert stranger.status == 403
    assert stranger.json()["errors"][0]["extensions"]["code"] == "UNKNOWN_CLIENT"
    lines = [orjson.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(x["operation"], x["status"], x["errors"]) for x in lines] == [
        ("Names", 200, []),
        ("Other", 403, ["OPERATION_NOT_ALLOWED"]),
        ("Names", 403, ["UNKNOWN_CLIENT"]),
    ]


async def test_the_allowlist_holds_over_websocket_and_event_streams(
    guarded: tuple[Service, Path],
) -> None:
    gateway, log = guarded
    logged = log.read_text(encoding="utf-8") if log.exists() else ""
    listed = {"x-client-name": "ios-app"}
    url = f"http://127.0.0.1:{gateway.port}/graphql"
    async with connected(url, headers=listed) as client:
        await client.subscribe("other", "query Other { people { id } }")
        refused = await client.receive()
        await client.subscribe("names", "query Names { people { name } }")
        answered = await client.receive()
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
    assert answered["type"] == "next"
    assert answered["payload"]["data"]["people"][0]["name"] == "Ada Lovelace"
    payload = {"query": "query Other { people { id } }"}
    streamed = post_json(gateway.port, payload, accept="text/event-stream", headers=listed)
    assert streamed.status == 200
    assert b'"code":"OPERATION_NOT_ALLOWED"' in streamed.body
    assert b'"data"' not in streamed.body
    # on_response does not run on streamed answers (docs/plugins.md, "Streams"): no lines
    assert (log.read_text(encoding="utf-8") if log.exists() else "") == logged
