"""The gateway's `Config`: YAML, environment and flags, and errors that name file, key and want."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli import serve_config
from gateway.config import Config, ConfigError, load_config
from gateway.config.declare import specs
from gateway.http_protocol import ConnectionLimits

FULL = """
mode: production
supergraph: schema/supergraph.graphql
server:
  host: 0.0.0.0
  port: 8080
  workers: 4
  shutdown_timeout: 12.5
subgraph_timeout: 7
subgraphs:
  accounts:
    url: http://10.0.0.5:4001/graphql
    timeout: 2
  whats-app:
    timeout: 9
headers:
  forward: [Authorization, X-Request-Id]
cors:
  allow_origins: [https://app.example]
  allow_credentials: true
limits:
  max_body_bytes: 4096
query_plan:
  header: X-Plan
graphiql:
  enabled: true
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gateway.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_dev_mode_on_localhost() -> None:
    config = load_config(environ={})
    assert (config.mode, config.server.host, config.server.port, config.server.workers) == (
        "dev",
        "127.0.0.1",
        4000,
        1,
    )
    assert config.headers.forward == ()  # nothing is forwarded unless configured
    assert config.query_plan.expose
    assert config.graphiql.enabled
    assert config.cors.allow_origins == ()
    assert config.query_plan.header == "apollo-query-plan-experimental"


def test_production_mode_turns_graphiql_and_plans_off() -> None:
    config = load_config(environ={"GATEWAY_MODE": "production"})
    assert not config.graphiql.enabled
    assert not config.query_plan.expose


def test_yaml_file_sets_everything(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    config = load_config(path, environ={})
    assert config.source == path
    assert config.mode == "production"
    assert config.supergraph == tmp_path / "schema" / "supergraph.graphql"
    assert (config.server.host, config.server.port, config.server.workers) == ("0.0.0.0", 8080, 4)
    assert config.server.shutdown_timeout == 12.5
    assert config.subgraph_url("accounts", "http://default") == "http://10.0.0.5:4001/graphql"
    assert config.subgraph_url("facebook", "http://default") == "http://default"
    assert config.timeout_for("accounts") == 2
    assert config.timeout_for("whats-app") == 9
    assert config.timeout_for("facebook") == 7
    assert config.headers.forward == ("authorization", "x-request-id")
    assert config.cors.allow_origins == ("https://app.example",)
    assert config.cors.allow_credentials
    assert config.limits.max_body_bytes == 4096
    assert config.query_plan.header == "x-plan"
    assert config.graphiql.enabled  # set explicitly, so production does not turn it off


def test_environment_overrides_the_file_and_flags_override_both(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    environ = {
        "GATEWAY_PORT": "9000",
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_SUBGRAPH_URL_ACCOUNTS": "http://127.0.0.1:5001/graphql",
        "GATEWAY_SUBGRAPH_TIMEOUT_WHATS_APP": "3",
        "GATEWAY_FORWARD_HEADERS": "authorization, x-tenant",
    }
    config = load_config(path, environ=environ, overrides={"server.port": "9100"})
    assert (config.server.host, config.server.port) == ("127.0.0.1", 9100)
    assert config.subgraph_url("accounts", "x") == "http://127.0.0.1:5001/graphql"
    assert config.timeout_for("whats-app") == 3
    assert config.headers.forward == ("authorization", "x-tenant")


def test_gateway_config_variable_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "server:\n  port: 4321\n")
    assert load_config(environ={"GATEWAY_CONFIG": str(path)}).server.port == 4321


def test_every_option_has_its_own_environment_variable() -> None:
    names = [spec.setting.env for spec in specs(Config)]
    assert len(names) == len(set(names))
    # Ours are GATEWAY_*; traces read OpenTelemetry's standard OTEL_* variables instead.
    assert all(name.startswith(("GATEWAY_", "OTEL_")) for name in names)
    assert {n for n in names if n.startswith("OTEL_")} == {
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_SERVICE_NAME",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("server:\n  port: eighty\n", "key 'server.port': expected an integer from 1 to 65535"),
        ("server:\n  prot: 80\n", "key 'server.prot': unknown setting; expected one of"),
        ("colour: blue\n", "key 'colour': unknown setting"),
        ("server: 8080\n", "key 'server': expected a mapping of server settings"),
        ("mode: staging\n", "key 'mode': expected one of dev, production, got 'staging'"),
        ("subgraph_timeout: -1\n", "key 'subgraph_timeout': expected a number of seconds"),
        ("cors:\n  allow_credentials: maybe\n", "key 'cors.allow_credentials': expected true"),
        ("headers:\n  forward: 12\n", "key 'headers.forward': expected a list of strings"),
        ("subgraphs:\n  accounts:\n    url: ftp://x\n", "key 'subgraphs.accounts.url': expected"),
        ("subgraphs:\n  accounts:\n    port: 1\n", "key 'subgraphs.accounts': expected a mapping"),
        ("server:\n  graphql_path: graphql\n", "key 'server.graphql_path': expected a path"),
        ("- just\n- a list\n", "expected a mapping of settings at the top level"),
        ("server: [port\n", "not valid YAML (line 2, column 1): expected ',' or ']'"),
    ],
)
def test_file_errors_name_the_file_the_key_and_the_expectation(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: cannot read the config file"):
        load_config(tmp_path / "nope.yaml", environ={})


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("GATEWAY_PORT", "0", "environment variable GATEWAY_PORT: expected an integer"),
        ("GATEWAY_WORKERS", "many", "environment variable GATEWAY_WORKERS: expected an integer"),
        (
            "GATEWAY_SUBGRAPH_URL_ACCOUNTS",
            "accounts:4001",
            "GATEWAY_SUBGRAPH_URL_ACCOUNTS: expected",
        ),
        ("GATEWAY_SUBGRAPH_TIMEOUT_X", "soon", "GATEWAY_SUBGRAPH_TIMEOUT_X: expected a number"),
        ("GATEWAY_GRAPHIQL_ENABLED", "perhaps", "GATEWAY_GRAPHIQL_ENABLED: expected true or false"),
    ],
)
def test_environment_errors_name_the_variable(variable: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_config(environ={variable: value})


def test_serve_flags_become_settings(tmp_path: Path) -> None:
    path = write(tmp_path, "server:\n  port: 1111\n")
    argv = ["--config", str(path), "--port", "2222", "--production", "--supergraph", "s.graphql"]
    config = serve_config(argv, environ={"GATEWAY_PORT": "3333"})
    assert config.server.port == 2222
    assert config.mode == "production"
    assert config.supergraph == Path("s.graphql")


def test_bad_flag_value_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"command-line option for 'server\.port': expected"):
        serve_config(["--port", "http"], environ={})


def test_slow_client_deadlines_and_connection_cap(tmp_path: Path) -> None:
    defaults = load_config(environ={}).server.connection_limits
    assert (defaults.header_timeout, defaults.body_timeout, defaults.max_connections) == (
        10.0,
        30.0,
        1000,
    )
    path = write(tmp_path, "server:\n  header_timeout: 4\n  max_connections: 50\n")
    config = load_config(path, environ={"GATEWAY_BODY_TIMEOUT": "7.5"})
    assert config.server.connection_limits == ConnectionLimits(
        header_timeout=4.0, body_timeout=7.5, max_connections=50
    )
    with pytest.raises(ConfigError, match="GATEWAY_MAX_CONNECTIONS"):
        load_config(environ={"GATEWAY_MAX_CONNECTIONS": "0"})


def test_request_deadline_from_yaml_environment_and_flag(tmp_path: Path) -> None:
    assert load_config(environ={}).request_timeout == 8.0  # under a mobile client's 10 s
    path = write(tmp_path, "request_timeout: 5\n")
    assert load_config(path, environ={}).request_timeout == 5.0
    from_env = load_config(path, environ={"GATEWAY_REQUEST_TIMEOUT": "3.5"})
    assert from_env.request_timeout == 3.5
    flagged = serve_config(["--config", str(path), "--request-timeout", "2"], environ={})
    assert flagged.request_timeout == 2.0
    with pytest.raises(ConfigError, match="GATEWAY_REQUEST_TIMEOUT"):
        load_config(environ={"GATEWAY_REQUEST_TIMEOUT": "0"})
