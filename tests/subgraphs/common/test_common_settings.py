"""Settings come from the environment names in CONTRACTS.md, with its defaults."""

from __future__ import annotations

import pytest

from subgraphs.common.settings import SettingsError, SignInLimits, load_settings

BASE = {"MONGODB_URI": "mongodb://127.0.0.1:1", "INTERNAL_TOKEN": "secret"}


def test_defaults_follow_the_contract() -> None:
    settings = load_settings("whatsapp", BASE)
    assert settings.port == 4002
    assert settings.host == "127.0.0.1"
    assert settings.database_name == "accounts_center_whatsapp"
    assert settings.accounts_url == "http://127.0.0.1:4001"
    assert settings.jwt_issuer == "accounts-center"
    assert settings.jwt_audience == "accounts-center-graph"
    assert settings.regions_rolled_out == frozenset({"EU", "US", "BR", "IN"})
    assert settings.redis_url is None
    assert settings.sign_in == SignInLimits()
    assert (settings.sign_in.free_failures, settings.sign_in.lock_seconds) == (5, 30)


def test_sign_in_limits_from_the_environment() -> None:
    env = {**BASE, "SIGN_IN_LOCK_SECONDS": "2", "SIGN_IN_CLIENT_FAILURES": "7"}
    limits = load_settings("accounts", env).sign_in
    assert (limits.lock_seconds, limits.client_failures, limits.free_failures) == (2, 7, 5)
    with pytest.raises(SettingsError, match="SIGN_IN_FREE_FAILURES"):
        load_settings("accounts", {**BASE, "SIGN_IN_FREE_FAILURES": "0"})


def test_environment_overrides() -> None:
    env = {
        **BASE,
        "PORT": "5000",
        "MONGODB_DB": "t1",
        "ACCOUNTS_URL": "http://127.0.0.1:9/",
        "REGIONS_ROLLED_OUT": " eu , jp,",
        "REDIS_URL": "redis://127.0.0.1:6390/0",
    }
    settings = load_settings("accounts", env)
    assert settings.port == 5000
    assert settings.database_name == "t1_accounts"
    assert settings.accounts_url == "http://127.0.0.1:9"
    assert settings.regions_rolled_out == frozenset({"EU", "JP"})
    assert settings.redis_url == "redis://127.0.0.1:6390/0"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"INTERNAL_TOKEN": "x"}, "MONGODB_URI"),
        ({"MONGODB_URI": "mongodb://h"}, "INTERNAL_TOKEN"),
        ({**BASE, "PORT": "eighty"}, "integer"),
        ({**BASE, "PORT": "70000"}, "range"),
    ],
)
def test_bad_environment_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings("accounts", env)


def test_unknown_subgraph_is_refused() -> None:
    with pytest.raises(SettingsError, match="unknown"):
        load_settings("myspace", BASE)


def test_database_timeouts_have_defaults_and_variables() -> None:
    defaults = load_settings("accounts", BASE).database_timeouts
    assert (defaults.connect_ms, defaults.socket_ms, defaults.server_selection_ms) == (
        2000,
        3000,
        2000,
    )
    assert defaults.request_ms == 4000
    env = {
        **BASE,
        "MONGODB_CONNECT_TIMEOUT_MS": "100",
        "MONGODB_SOCKET_TIMEOUT_MS": "200",
        "MONGODB_SERVER_SELECTION_TIMEOUT_MS": "300",
        "MONGODB_REQUEST_TIMEOUT_MS": "400",
    }
    chosen = load_settings("accounts", env).database_timeouts
    assert (chosen.connect_ms, chosen.socket_ms, chosen.server_selection_ms) == (100, 200, 300)
    assert chosen.request_ms == 400
    with pytest.raises(SettingsError, match="MONGODB_SOCKET_TIMEOUT_MS"):
        load_settings("accounts", {**BASE, "MONGODB_SOCKET_TIMEOUT_MS": "soon"})
