"""The header propagation example in a real gateway process before the real `people` subgraph,
whose `header(name:)` field answers what it received; and its rules' edges in one process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import Service
from examples.plugins.headers import HeaderPropagation
from gateway.config import PluginRef
from gateway.plugins import PluginLoadError, load_plugin
from tests.gateway.plugins.plugged_app import ask, people_transport, plugged_app
from tests.gateway.server.server_support import post_json, start_gateway_process

RECEIVED = (
    '{ id: header(name: "x-request-id") gw: header(name: "x-gateway")'
    ' tenant: header(name: "x-tenant") caller: header(name: "x-caller")'
    ' name: header(name: "x-client-name") secret: header(name: "x-secret")'
    ' accounts: header(name: "x-only-accounts") }'
)
SENT = {
    "X-Request-Id": "r-1",
    "X-Tenant": "acme",
    "X-Client-Name": "ios-app",
    "X-Secret": "forwarded by the setting, removed by a rule",
    "X-Only-Accounts": "for another subgraph",
}


@pytest.fixture(scope="module")
def propagating(work_dir: Path, supergraph_file: Path) -> Iterator[Service]:
    config = work_dir / "headers.yaml"
    config.write_text(
        "headers:\n  forward: [x-secret]\n"
        "plugins:\n"
        "  - use: examples.plugins.headers:HeaderPropagation\n"
        "    config:\n"
        "      all: {forward: [x-request-id], set: {x-gateway: edge-1}}\n"
        "      subgraphs:\n"
        "        people:\n"
        "          forward: [x-tenant]\n"
        "          rename: {x-client-name: x-caller}\n"
        "          remove: [x-secret]\n"
        "        accounts: {forward: [x-only-accounts]}\n",
        encoding="utf-8",
    )
    args = ["--config", str(config), "--supergraph", str(supergraph_file)]
    gateway = start_gateway_process(args, work_dir / "headers.log")
    try:
        yield gateway
    finally:
        gateway.stop()


@pytest.mark.integration
def test_the_subgraph_gets_what_its_rules_and_the_common_rules_say(propagating: Service) -> None:
    reply = post_json(propagating.port, {"query": RECEIVED}, headers=SENT)
    assert reply.status == 200, reply.body
    assert reply.json()["data"] == {
        "id": "r-1",  # all: forward
        "gw": "edge-1",  # all: set
        "tenant": "acme",  # people: forward
        "caller": "ios-app",  # people: rename ...
        "name": None,  # ... so the original name is not sent
        "secret": None,  # people: remove, after the setting forwarded it
        "accounts": None,  # another subgraph's rule
    }


async def test_a_subgraph_without_rules_of_its_own_gets_the_common_ones() -> None:
    plugin = HeaderPropagation(
        {"all": {"forward": ["x-tenant"]}, "subgraphs": {"accounts": {"set": {"x-gateway": "a"}}}}
    )
    app = plugged_app([plugin], people_transport())
    query = '{ tenant: header(name: "x-tenant") gw: header(name: "x-gateway") }'
    _, _, body = await ask(app, query, headers={"x-tenant": "acme"})
    assert body["data"] == {"tenant": "acme", "gw": None}


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ({"all": {"copy": ["a"]}}, "unknown header rules: copy"),
        ({"all": {"rename": ["a"]}}, "rename: a mapping"),
        ({"subgraphs": {"people": {"forward": 1}}}, "a list of strings"),
    ],
)
def test_bad_rules_fail_loading_with_a_message(config: dict[str, object], problem: str) -> None:
    ref = PluginRef(use="examples.plugins.headers:HeaderPropagation", config=config)
    with pytest.raises(PluginLoadError, match=problem):
        load_plugin(ref)
