"""The declaration: `setting()`/`section()`/`family()` fields read back as specs, in order."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from gateway.config import Config
from gateway.config.declare import (
    Spec,
    families,
    family,
    section,
    sections,
    setting,
    specs,
    subgraph_env_name,
)
from gateway.config.parsers import boolean, integer, optional_seconds


@dataclass(frozen=True, slots=True, kw_only=True)
class Pool:
    size: int = setting(env="T_POOL_SIZE", parse=integer(1, 9), default=2, help="pool size")
    warm: bool = setting(
        env="T_WARM", parse=boolean, default=True, production=False, help="warm up"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    timeout: float | None = setting(
        env="T_TIMEOUT_<NAME>", parse=optional_seconds, default=None, help="per name"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Root:
    verbose: bool = setting(
        env="T_VERBOSE", parse=boolean, default=False, flag="--verbose", help="talk more"
    )
    pool: Pool = section(Pool)
    entries: Mapping[str, Entry] = family(Entry, help="one per name")
    label: str = "not a setting"


def test_settings_and_sections_read_back_in_declaration_order() -> None:
    found = specs(Root)
    assert [spec.key for spec in found] == ["verbose", "pool.size", "pool.warm"]
    assert [(spec.section, spec.name) for spec in found] == [
        (None, "verbose"),
        ("pool", "size"),
        ("pool", "warm"),
    ]
    verbose = found[0]
    assert (verbose.setting.env, verbose.setting.flag, verbose.default) == (
        "T_VERBOSE",
        "--verbose",
        False,
    )
    assert dict(sections(Root)) == {"pool": Pool}


def test_a_production_default_applies_only_in_production() -> None:
    size, warm = specs(Root)[1:]
    assert not size.by_mode
    assert (size.default_in("dev"), size.default_in("production")) == (2, 2)
    assert warm.by_mode
    assert (warm.default_in("dev"), warm.default_in("production")) == (True, False)


def test_families_list_their_members() -> None:
    (declared,) = families(Root)
    assert (declared.key, declared.entry, declared.help) == ("entries", Entry, "one per name")
    assert declared.names == ("timeout",)
    assert declared.members[0][1].env == "T_TIMEOUT_<NAME>"


def test_declared_defaults_are_the_dataclass_defaults() -> None:
    root = Root()
    assert (root.verbose, root.pool, root.entries, root.label) == (
        False,
        Pool(),
        {},
        "not a setting",
    )
    assert Pool().warm  # the dev default; production's is applied by the loader


def test_subgraph_names_become_variable_suffixes() -> None:
    assert subgraph_env_name("whats-app") == "WHATS_APP"
    assert subgraph_env_name("Accounts2") == "ACCOUNTS2"
    assert subgraph_env_name("a.b c") == "A_B_C"


def test_the_gateway_declares_each_key_and_variable_once() -> None:
    found = specs(Config)
    keys = [spec.key for spec in found]
    variables = [spec.setting.env for spec in found]
    assert len(keys) == len(set(keys))
    assert len(variables) == len(set(variables))
    # Traces read OpenTelemetry's standard OTEL_* variables; every other setting is GATEWAY_*.
    assert all(name.startswith(("GATEWAY_", "OTEL_")) for name in variables)


@pytest.mark.parametrize("name", sorted(sections(Config)))
def test_every_field_of_a_section_is_a_setting(name: str) -> None:
    """A plain field in a section would be a value no source can set: declare it or move it."""
    declared = {spec.name for spec in specs(Config) if spec.section == name}
    assert {field.name for field in dataclasses.fields(sections(Config)[name])} == declared


@pytest.mark.parametrize("spec", specs(Config), ids=lambda spec: spec.key)
def test_every_default_is_a_value_its_parser_accepts(spec: Spec) -> None:
    """The default, written as the environment would, reads back as itself."""
    for default in {spec.default_in("dev"), spec.default_in("production")}:
        if default is None:
            continue
        raw = ",".join(default) if isinstance(default, tuple) else str(default)
        assert spec.setting.parse(raw) == default
