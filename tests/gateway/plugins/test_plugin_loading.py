"""Where plugins come from (YAML, the environment, repeated `--plugin`) and how they are built;
and `authorize_policies`, a plugin deciding `@policy`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from gateway.composition import CompositionFailure, SubgraphSource, compose
from gateway.config import AuthorizationConfig, ConfigError, PluginRef, load_config
from gateway.config.render import add_setting_flags, flag_overrides
from gateway.config.sources import export_flags
from gateway.plugins import PluginChain, PluginLoadError, load_plugin
from gateway.security import Claims
from gateway.security.policy import Authorizer
from gateway.supergraph import Supergraph, load_supergraph


class Configured:
    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = config


module_level = Configured({"made": "at import"})


def test_yaml_lists_names_and_entries_with_config(tmp_path: Path) -> None:
    file = tmp_path / "gateway.yaml"
    file.write_text(
        "plugins:\n  - examples.plugins.stamp:plugin\n"
        "  - use: examples.plugins.response_cache:ResponseCache\n"
        "    config: {operation: People, ttl: 5}\n"
    )
    refs = load_config(file, environ={}).plugins
    assert [r.use for r in refs] == [
        "examples.plugins.stamp:plugin",
        "examples.plugins.response_cache:ResponseCache",
    ]
    assert refs[0].config is None
    assert dict(refs[1].config or {}) == {"operation": "People", "ttl": 5}


@pytest.mark.parametrize(
    "entry", ["- nocolon", "- {use: a:b, other: 1}", "- {use: a:b, config: [1]}", "{a: b}"]
)
def test_a_bad_entry_names_the_setting(tmp_path: Path, entry: str) -> None:
    file = tmp_path / "gateway.yaml"
    file.write_text(f"plugins:\n  {entry}\n" if entry.startswith("-") else f"plugins: {entry}\n")
    with pytest.raises(ConfigError, match="plugins"):
        load_config(file, environ={})


def test_the_flag_repeats_and_workers_get_it_in_the_environment() -> None:
    parser = argparse.ArgumentParser()
    add_setting_flags(parser)
    args = parser.parse_args(["--plugin", "a.b:c", "--plugin", "d:e"])
    overrides = flag_overrides(args)
    config = load_config(environ={}, overrides=overrides)
    assert config.plugins == (PluginRef(use="a.b:c"), PluginRef(use="d:e"))
    environ: dict[str, str] = {}
    export_flags(overrides, environ)
    assert environ["GATEWAY_PLUGINS"] == "a.b:c,d:e"
    assert load_config(environ=environ).plugins == config.plugins


def test_a_plugin_is_an_object_a_class_or_a_factory_given_its_config() -> None:
    here = __name__
    assert load_plugin(PluginRef(use=f"{here}:module_level")) is module_level
    built = load_plugin(PluginRef(use=f"{here}:Configured"))
    assert isinstance(built, Configured)
    assert built.config is None
    made = load_plugin(PluginRef(use=f"{here}:Configured", config={"size": 3}))
    assert isinstance(made, Configured)
    assert made.config == {"size": 3}


@pytest.mark.parametrize(
    ("use", "problem"),
    [("no_such_module_here:x", "cannot import"), (f"{__name__}:missing", "has no missing")],
)
def test_a_plugin_that_cannot_load_says_why(use: str, problem: str) -> None:
    with pytest.raises(PluginLoadError, match=problem):
        load_plugin(PluginRef(use=use))


def policy_supergraph() -> Supergraph:
    sdl = """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@policy"])
    type Query { open: String  secret: String @policy(policies: [["readers"]]) }
    """
    composed = compose([SubgraphSource(name="s", routing_url="http://127.0.0.1:1/", sdl=sdl)])
    assert not isinstance(composed, CompositionFailure), str(composed)
    loaded = load_supergraph(composed.supergraph_sdl)
    assert isinstance(loaded, Supergraph)
    return loaded


class Readers:
    """Decides `@policy`: the `readers` policy is met by callers with the reader role."""

    def authorize_policies(self, policies: frozenset[str], claims: Claims) -> bool:
        return policies <= {"readers"} and "reader" in claims.values.get("roles", ())


def test_a_plugin_decides_policy() -> None:
    chain = PluginChain([Readers()])
    assert not chain.active  # no request hook: the endpoint runs as without plugins
    authorizer = Authorizer(AuthorizationConfig(enabled=True), chain.policy_hook)
    supergraph = policy_supergraph()
    reader = authorizer.allowed(supergraph, Claims(values={"roles": ["reader"]}))
    stranger = authorizer.allowed(supergraph, Claims(values={}))
    assert reader("Query", "secret")
    assert not stranger("Query", "secret")
    assert stranger("Query", "open")


def test_policy_decided_twice_is_refused() -> None:
    settings = AuthorizationConfig(enabled=True, policy_hook=f"{__name__}:Readers")
    with pytest.raises(ValueError, match="decided twice"):
        Authorizer(settings, PluginChain([Readers()]).policy_hook)
    with pytest.raises(TypeError, match="only one plugin"):
        PluginChain([Readers(), Readers()])
