"""Which app a request comes from, and the bounded label it gets."""

from __future__ import annotations

from gateway.clients import ClientIdentity, identify_client
from gateway.config import load_config
from gateway.telemetry.usage import ClientLabels

HEADERS = {"apollographql-client-name": " web ", "apollographql-client-version": "2.5"}


def test_the_token_app_wins_over_the_header() -> None:
    settings = load_config(environ={}).clients
    assert identify_client({"azp": "partner-app"}, HEADERS, settings) == ClientIdentity(
        name="partner-app", version="2.5", from_token=True
    )
    assert identify_client({"sub": "p1"}, HEADERS, settings) == ClientIdentity(
        name="web", version="2.5"
    )
    assert identify_client({}, {}, settings) == ClientIdentity()
    assert identify_client(
        {"azp": ""}, {"apollographql-client-name": "x" * 500}, settings
    ).name == ("x" * 100)
    custom = load_config(environ={"GATEWAY_CLIENT_APP_CLAIMS": "app_name"}).clients
    assert identify_client({"azp": "a", "app_name": "b"}, {}, custom).name == "b"


def test_client_labels_are_bounded() -> None:
    listed = ClientLabels(load_config(environ={"GATEWAY_METRICS_CLIENT_NAMES": "web"}).metrics)
    assert listed(ClientIdentity(name="web")) == "web"
    assert listed(ClientIdentity(name="ios")) == "other"
    assert listed(None) == "unidentified"
    first = ClientLabels(load_config(environ={"GATEWAY_METRICS_CLIENTS": "2"}).metrics)
    names = ["a", "b", "c", "a"]
    assert [first(ClientIdentity(name=n)) for n in names] == ["a", "b", "other", "a"]
