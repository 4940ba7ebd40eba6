"""`HeaderRules`: the `headers.forward` rules as a plugin send subgraphs what the setting sends."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from gateway.config import PluginRef
from gateway.headers import HeaderPolicy
from gateway.plugins import HeaderRules, PluginLoadError, load_plugin
from tests.gateway.plugins.plugged_app import ask, people_transport, plugged_app

QUERY = (
    '{ tenant: header(name: "x-tenant") auth: header(name: "authorization")'
    ' other: header(name: "x-other") address: header(name: "x-forwarded-for") }'
)
SENT = {
    "Authorization": "Bearer t",
    "X-Tenant": "acme",
    "X-Other": "not listed",
    "X-Forwarded-For": "6.6.6.6",
}


def registered(way: str, *, client_address: bool = True) -> Starlette:
    """The same rules through the setting or the plugin: `authorization` and `x-tenant`, and
    either the client's address as `x-forwarded-for` or the client's own header passed on."""
    names = (
        ["authorization", "x-tenant"]
        if client_address
        else ["authorization", "x-tenant", "x-forwarded-for"]
    )
    if way == "setting":
        settings = {
            "headers.forward": ",".join(names),
            "rate_limit.forward_client_address": str(client_address),
        }
        return plugged_app([], people_transport(), **settings)
    rules = HeaderRules(
        {"forward": [n.title() for n in names], "forward_client_address": client_address}
    )
    return plugged_app([rules], people_transport())


@pytest.mark.parametrize("way", ["setting", "plugin"])
async def test_the_setting_and_the_plugin_forward_the_same_headers(way: str) -> None:
    status, _, body = await ask(registered(way), QUERY, headers=SENT)
    assert status == 200, body
    assert body["data"] == {
        "tenant": "acme",
        "auth": "Bearer t",
        "other": None,
        "address": "127.0.0.1",  # the peer the server saw, not the client's claim
    }


@pytest.mark.parametrize("way", ["setting", "plugin"])
async def test_a_listed_forwarded_for_passes_as_sent_without_the_client_address(way: str) -> None:
    _, _, body = await ask(registered(way, client_address=False), QUERY, headers=SENT)
    assert body["data"]["address"] == "6.6.6.6"  # as a proxy in front of the gateway set it


@pytest.mark.parametrize("way", ["setting", "plugin"])
async def test_nothing_is_forwarded_without_the_headers(way: str) -> None:
    _, _, body = await ask(registered(way), QUERY)
    assert body["data"] == {"tenant": None, "auth": None, "other": None, "address": "127.0.0.1"}


async def test_rules_for_decides_per_subgraph() -> None:
    class OnlyAccounts(HeaderRules):
        def rules_for(self, service_name: str) -> HeaderPolicy | None:
            return self.policy if service_name == "accounts" else None

    app = plugged_app([OnlyAccounts({"forward": ["x-tenant"]})], people_transport())
    _, _, body = await ask(app, '{ header(name: "x-tenant") }', headers={"x-tenant": "acme"})
    assert body["data"] == {"header": None}  # the people subgraph is not `accounts`


def test_a_bad_forward_list_fails_loading_with_a_message() -> None:
    ref = PluginRef(use="gateway.plugins:HeaderRules", config={"forward": 3})
    with pytest.raises(PluginLoadError, match="bad config: a list of strings"):
        load_plugin(ref)
