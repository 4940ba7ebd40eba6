"""The API-key example in a real gateway process before the real `people` subgraph: requests
without a valid key are refused before parsing, over HTTP, SSE and WebSocket alike, and
subgraphs learn the client's name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.processes import Service
from examples.plugins.custom_auth import digest
from gateway.config import PluginRef
from gateway.plugins import PluginLoadError, load_plugin
from tests.gateway.server.server_support import post_json, start_gateway_process
from tests.gateway.subscriptions.protocol_client import connected

QUERY = '{ client: header(name: "x-api-client") key: header(name: "x-api-key") }'


@pytest.fixture(scope="module")
def authenticating(work_dir: Path, supergraph_file: Path) -> Iterator[Service]:
    keys = work_dir / "api-keys"
    keys.write_text(
        f"# client  sha256(key)\nios-app {digest('ios-key')}\n\npartner {digest('p-key')}\n",
        encoding="utf-8",
    )
    config = work_dir / "custom-auth.yaml"
    config.write_text(
        "plugins:\n"
        "  - use: examples.plugins.custom_auth:ApiKeyAuth\n"
        f"    config: {{keys_file: {keys}}}\n",
        encoding="utf-8",
    )
    args = ["--config", str(config), "--supergraph", str(supergraph_file)]
    gateway = start_gateway_process(args, work_dir / "custom-auth.log")
    try:
        yield gateway
    finally:
        gateway.stop()


@pytest.mark.integration
def test_a_known_key_names_the_client_to_subgraphs_and_stays_at_the_gateway(
    authenticating: Service,
) -> None:
    for key, client in (("ios-key", "ios-app"), ("p-key", "partner")):
        reply = post_json(authenticating.port, {"query": QUERY}, headers={"x-api-key": key})
        assert reply.status == 200, reply.body
        assert reply.json() == {"data": {"client": client, "key": None}}


@pytest.mark.integration
@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Authentication required: send your API key in x-api-key."),
        ({"x-api-key": "guessed"}, "The API key in x-api-key is not valid."),
        ({"x-api-key": digest("ios-key")}, "The API key in x-api-key is not valid."),
    ],
)
def test_a_missing_or_unknown_key_is_refused_before_the_body_is_read(
    authenticating: Service, headers: dict[str, str], message: str
) -> None:
    reply = post_json(authenticating.port, {"query": "{ not valid graphql"}, headers=headers)
    assert reply.status == 401
    assert reply.json() == {
        "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]
    }


def test_a_malformed_keys_file_fails_loading_with_its_line(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_text("ios-app\n", encoding="utf-8")
    ref = PluginRef(use="examples.plugins.custom_auth:ApiKeyAuth", config={"keys_file": str(keys)})
    with pytest.raises(PluginLoadError, match="keys:1: expected"):
        load_plugin(ref)


def test_a_missing_keys_file_fails_loading_with_its_name(tmp_path: Path) -> None:
    config = {"keys_file": str(tmp_path / "absent")}
    ref = PluginRef(use="examples.plugins.custom_auth:ApiKeyAuth", config=config)
    with pytest.raises(PluginLoadError, match="absent"):
        load_plugin(ref)


async def _over_websocket(gateway: Service, headers: dict[str, str]) -> dict[str, Any]:
    """The one answer (`next` or `error`) to QUERY over graphql-transport-ws."""
    async with connected(f"http://127.0.0.1:{gateway.port}/graphql", headers=headers) as client:
        await client.subscribe("1", QUERY)
        return await client.receive()


@pytest.mark.integration
async def test_websocket_operations_are_authenticated_too(authenticating: Service) -> None:
    refused = await _over_websocket(authenticating, {})
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    answered = await _over_websocket(authenticating, {"x-api-key": "ios-key"})
    assert answered["type"] == "next"
    # on_request's scope.state reached the subgraph hook: the client's name was sent on
    assert answered["payload"] == {"data": {"client": "ios-app", "key": None}}


@pytest.mark.integration
def test_event_stream_requests_are_authenticated_too(authenticating: Service) -> None:
    accept = "text/event-stream"
    refused = post_json(authenticating.port, {"query": QUERY}, accept=accept)
    assert refused.status == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    headers = {"x-api-key": "p-key"}
    answered = post_json(authenticating.port, {"query": QUERY}, accept=accept, headers=headers)
    assert answered.status == 200
    assert b'data: {"data":{"client":"partner","key":null}}' in answered.body
