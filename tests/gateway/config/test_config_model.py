"""`Config`: per-subgraph overrides, derived values, and frozen sections."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from gateway.config import AuthConfig, Config, ServerConfig, SubgraphSettings
from gateway.http_protocol import ConnectionLimits


def with_subgraphs(**entries: SubgraphSettings) -> Config:
    return Config(subgraph_timeout=7.0, subgraphs=MappingProxyType(entries))


def test_a_subgraphs_url_override_is_found_by_its_variable_suffix() -> None:
    config = with_subgraphs(WHATS_APP=SubgraphSettings(url="http://10.0.0.5/graphql"))
    assert config.subgraph_url("whats-app", "http://default") == "http://10.0.0.5/graphql"
    assert config.subgraph_url("accounts", "http://default") == "http://default"


def test_a_subgraphs_timeout_falls_back_to_the_default_one() -> None:
    config = with_subgraphs(ACCOUNTS=SubgraphSettings(timeout=2.0), FACEBOOK=SubgraphSettings())
    assert config.timeout_for("accounts") == 2.0
    assert config.timeout_for("facebook") == 7.0
    assert config.timeout_for("instagram") == 7.0


def test_the_server_section_hands_its_connection_limits_to_the_protocol() -> None:
    server = ServerConfig(header_timeout=4.0, max_connections=50)
    assert server.connection_limits == ConnectionLimits(
        header_timeout=4.0, body_timeout=ConnectionLimits().body_timeout, max_connections=50
    )
    assert ServerConfig().connection_limits == ConnectionLimits()


def test_authentication_is_on_with_a_jwks_url() -> None:
    assert not AuthConfig().enabled
    assert AuthConfig(jwks_url="http://127.0.0.1:1/jwks").enabled


def test_config_and_its_sections_are_frozen() -> None:
    config = Config()
    assert config.dev
    assert not Config(mode="production").dev
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.mode = "production"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.limits.max_depth = 1  # type: ignore[misc]


def test_connect_timeout_and_connection_cap_fall_back_to_the_defaults() -> None:
    config = with_subgraphs(
        ACCOUNTS=SubgraphSettings(connect_timeout=0.5, max_connections=8),
        FACEBOOK=SubgraphSettings(),
    )
    assert (config.connect_timeout_for("accounts"), config.max_connections_for("accounts")) == (
        0.5,
        8,
    )
    assert (config.connect_timeout_for("facebook"), config.max_connections_for("facebook")) == (
        2.0,
        256,
    )
