"""`load_config`: defaults, the mode's defaults, precedence, families, paths and flag export."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.config import Config, ConfigError, SubgraphSettings, load_config
from gateway.config.declare import specs
from gateway.config.sources import export_flags


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gateway.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_source_is_every_declared_default() -> None:
    assert load_config(environ={}) == Config()


def test_production_flips_only_the_settings_declared_per_mode() -> None:
    dev, production = load_config(environ={}), load_config(environ={"GATEWAY_MODE": "production"})
    assert (production.security.introspection, production.security.mask_errors) == (False, True)
    assert (production.security.csrf_prevention, production.graphiql.enabled) == (True, False)
    assert not production.query_plan.expose
    by_mode = {spec.key for spec in specs(Config) if spec.by_mode}
    assert by_mode == {
        "security.introspection",
        "security.csrf_prevention",
        "security.mask_errors",
        "query_plan.expose",
        "graphiql.enabled",
    }
    assert production.limits == dev.limits
    assert production.server == dev.server


def test_a_setting_given_explicitly_wins_over_the_modes_default(tmp_path: Path) -> None:
    path = write(tmp_path, "mode: production\nsecurity:\n  introspection: true\n")
    config = load_config(path, environ={"GATEWAY_MASK_ERRORS": "false"})
    assert config.security.introspection
    assert not config.security.mask_errors
    assert config.security.csrf_prevention  # not given: production's default


def test_the_mode_from_a_flag_decides_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "mode: dev\n")
    config = load_config(path, environ={}, overrides={"mode": "production"})
    assert config.mode == "production"
    assert not config.graphiql.enabled


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    path = write(tmp_path, "limits:\n  max_depth: 5\n  max_aliases: 6\n  max_tokens: 7\n")
    environ = {"GATEWAY_LIMITS_MAX_ALIASES": "60", "GATEWAY_LIMITS_MAX_TOKENS": "70"}
    config = load_config(path, environ=environ, overrides={"limits.max_tokens": "700"})
    assert (config.limits.max_depth, config.limits.max_aliases, config.limits.max_tokens) == (
        5,
        60,
        700,
    )


def test_a_subgraphs_url_and_timeout_merge_across_sources(tmp_path: Path) -> None:
    path = write(tmp_path, "subgraphs:\n  whats-app:\n    timeout: 2\n")
    environ = {"GATEWAY_SUBGRAPH_URL_WHATS_APP": "http://127.0.0.1:5/graphql"}
    config = load_config(path, environ=environ)
    assert dict(config.subgraphs) == {
        "WHATS_APP": SubgraphSettings(url="http://127.0.0.1:5/graphql", timeout=2.0)
    }
    with pytest.raises(TypeError):
        config.subgraphs["X"] = SubgraphSettings()  # type: ignore[index]


def test_relative_paths_in_a_file_are_from_the_files_folder(tmp_path: Path) -> None:
    path = write(tmp_path, "supergraph: s.graphql\npersisted:\n  manifest: /abs/m.json\n")
    config = load_config(path, environ={"GATEWAY_GRAPHIQL_EXAMPLES_DIR": "ex"})
    assert config.supergraph == tmp_path / "s.graphql"
    assert config.persisted.manifest == Path("/abs/m.json")
    assert config.graphiql.examples_dir == Path("ex")  # the environment's stay as given


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("subgraphs: [a]\n", "key 'subgraphs': expected a mapping of subgraph name to settings"),
        (
            "subgraphs:\n  a:\n    retries: 1\n",
            "key 'subgraphs.a': expected a mapping with 'url' and/or 'timeout'",
        ),
        ("limits:\n  max_depth: -1\n", "key 'limits.max_depth': expected an integer from 0"),
        ("rate_limit:\n  windw: 5\n", "expected one of rate_limit.client_header, rate_limit."),
        ("redis: redis://x\n", "key 'redis': expected a mapping of redis settings"),
    ],
)
def test_file_mistakes_name_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match="^" + re.escape(str(path))) as caught:
        load_config(path, environ={})
    assert expected in str(caught.value)


def test_an_undeclared_flag_key_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"command-line option for 'server\.prot': no such"):
        load_config(environ={}, overrides={"server.prot": "1"})


def test_flags_are_exported_for_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    environ: dict[str, str] = {}
    export_flags(
        {"supergraph": "s.graphql", "server.port": "4100", "mode": None, "server.workers": "2"},
        environ,
    )
    assert environ == {
        "GATEWAY_SUPERGRAPH": str(tmp_path / "s.graphql"),
        "GATEWAY_PORT": "4100",
        "GATEWAY_WORKERS": "2",
    }
    rebuilt = load_config(environ=environ)
    assert (rebuilt.supergraph, rebuilt.server.port) == (tmp_path / "s.graphql", 4100)
    with pytest.raises(ConfigError, match=r"server\.port"):
        export_flags({"server.port": "http"}, environ)


def test_the_accounts_centers_settings_file_loads() -> None:
    path = Path(__file__).resolve().parents[3] / "schema" / "gateway.yaml"
    config = load_config(path, environ={})
    assert config.headers.forward == ("authorization",)
    assert config.readiness.subgraphs == ("accounts",)


def test_override_label_rules_come_from_yaml_and_the_environment(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "override_labels:\n  beta-billing:\n    header: X-Beta\n    values: ['1', 'on']\n",
    )
    config = load_config(path, environ={"GATEWAY_OVERRIDE_LABEL_HEADER_CANARY": "x-canary"})
    beta = config.override_rule("beta-billing")
    assert beta is not None
    assert (beta.header, beta.values) == ("x-beta", ("1", "on"))
    canary = config.override_rule("canary")
    assert canary is not None
    assert (canary.header, canary.values) == ("x-canary", ())
    assert config.override_rule("percent(50)") is None
    assert config.override_rule("unlisted") is None


def test_an_override_label_rule_must_be_a_mapping_of_known_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "override_labels:\n  beta:\n    headers: x-beta\n")
    with pytest.raises(ConfigError, match=r"override_labels\.beta"):
        load_config(path, environ={})
