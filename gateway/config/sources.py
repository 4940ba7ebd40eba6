"""`load_config`: the settings' sources, merged in order and parsed by their declarations.

Later sources win: defaults < `--config FILE` (YAML) < environment (`GATEWAY_*`) < CLI flags.
Worker processes rebuild the same `Config` from the environment, which is why every setting has
a variable. A mistake in any source is a `ConfigError` whose message names the file or variable,
the key and what was expected. Nothing here names a setting: it walks `specs(Config)`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from gateway.config.declare import (
    Family,
    Parser,
    Spec,
    families,
    sections,
    specs,
    subgraph_env_name,
)
from gateway.config.model import Config
from gateway.config.parsers import Invalid, mode

__all__ = ["ConfigError", "export_flags", "load_config"]

_FamilyValues = dict[str, dict[str, dict[str, object]]]
"""Family key -> entry name (as in `<NAME>`) -> member -> value."""


class ConfigError(ValueError):
    """A setting is wrong; the message says where (file or variable), which key, what was wanted."""


@cache
def _by_key() -> Mapping[str, Spec]:
    return MappingProxyType({spec.key: spec for spec in specs(Config)})


def _parse(parser: Parser, raw: object, where: str) -> Any:
    try:
        return parser(raw)
    except Invalid as error:
        raise ConfigError(f"{where}: expected {error}, got {raw!r}") from None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config file: {error.strerror}") from None
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or "unreadable"
        raise ConfigError(f"{path}: not valid YAML{where}: {problem}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    return loaded


def _flatten(path: Path, data: Mapping[str, Any]) -> dict[str, object]:
    """Nested YAML -> {dotted key: raw value}, refusing keys no setting has."""
    known = [*_by_key(), *(f.key for f in families(Config))]
    flat: dict[str, object] = {}
    for name, value in data.items():
        key = str(name)
        if key in known:
            flat[key] = value
        elif key in sections(Config):
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: key '{key}': expected a mapping of {key} settings")
            for inner, inner_value in value.items():
                dotted = f"{key}.{inner}"
                if dotted not in known:
                    _unknown(path, dotted, [k for k in known if k.startswith(f"{key}.")])
                flat[dotted] = inner_value
        else:
            _unknown(path, key, known)
    return flat


def _unknown(path: Path, key: str, expected: list[str]) -> None:
    raise ConfigError(
        f"{path}: key '{key}': unknown setting; expected one of {', '.join(sorted(expected))}"
    )


def _family_from_yaml(path: Path, declared: Family, raw: object) -> dict[str, dict[str, object]]:
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{path}: key '{declared.key}': expected a mapping of "
            f"{declared.key.removesuffix('s')} name to settings"
        )
    found: dict[str, dict[str, object]] = {}
    for name, entry in raw.items():
        key = f"{declared.key}.{name}"
        if not isinstance(entry, dict) or not set(entry) <= set(declared.names):
            wanted = " and/or ".join(f"'{n}'" for n in declared.names)
            raise ConfigError(f"{path}: key '{key}': expected a mapping with {wanted}")
        found[subgraph_env_name(str(name))] = {
            member: _parse(setting.parse, entry[member], f"{path}: key '{key}.{member}'")
            for member, setting in declared.members
            if member in entry
        }
    return found


def _from_file(path: Path, given: dict[str, object], entries: _FamilyValues) -> None:
    by_key = _by_key()
    by_family = {f.key: f for f in families(Config)}
    for key, raw in _flatten(path, _read_yaml(path)).items():
        if key in by_family:
            entries[key] = _family_from_yaml(path, by_family[key], raw)
            continue
        value = _parse(by_key[key].setting.parse, raw, f"{path}: key '{key}'")
        if isinstance(value, Path) and not value.is_absolute():
            value = path.resolve().parent / value
        given[key] = value


def _from_environment(
    environ: Mapping[str, str], given: dict[str, object], entries: _FamilyValues
) -> None:
    for spec in specs(Config):
        if spec.setting.env in environ:
            where = f"environment variable {spec.setting.env}"
            given[spec.key] = _parse(spec.setting.parse, environ[spec.setting.env], where)
    for declared in families(Config):
        found = entries.setdefault(declared.key, {})
        for member, setting in declared.members:
            prefix = setting.env.removesuffix("<NAME>")
            for variable, value in environ.items():
                if variable.startswith(prefix) and len(variable) > len(prefix):
                    name = subgraph_env_name(variable[len(prefix) :])
                    where = f"environment variable {variable}"
                    found.setdefault(name, {})[member] = _parse(setting.parse, value, where)


def _from_flags(overrides: Mapping[str, object], given: dict[str, object]) -> None:
    by_key = _by_key()
    for key, raw in overrides.items():
        if key not in by_key:
            raise ConfigError(f"command-line option for '{key}': no such setting")
        if raw is not None:
            where = f"command-line option for '{key}'"
            given[key] = _parse(by_key[key].setting.parse, raw, where)


def _build(given: Mapping[str, object], entries: _FamilyValues, source: Path | None) -> Config:
    """The frozen `Config`: what was given, else the default for the mode given."""
    chosen = next(s for s in specs(Config) if s.setting.parse is mode)  # it picks the defaults
    mode_given = str(given.get(chosen.key, chosen.default))
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {name: {} for name in sections(Config)}
    for spec in specs(Config):
        value = given[spec.key] if spec.key in given else spec.default_in(mode_given)
        (top if spec.section is None else nested[spec.section])[spec.name] = value
    for name, cls in sections(Config).items():
        top[name] = cls(**nested[name])
    for declared in families(Config):
        found = entries.get(declared.key, {})
        built = {name: declared.entry(**members) for name, members in found.items()}
        top[declared.key] = MappingProxyType(built)
    return Config(**top, source=source)


def load_config(
    config_file: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Config:
    """Build the `Config`; `overrides` (dotted key -> raw value) are CLI flags and win over all.

    Without `config_file`, `GATEWAY_CONFIG` in the environment names one.
    """
    env = os.environ if environ is None else environ
    file_name = config_file if config_file is not None else env.get("GATEWAY_CONFIG") or None
    path = Path(file_name) if file_name is not None else None
    given: dict[str, object] = {}
    entries: _FamilyValues = {}
    if path is not None:
        _from_file(path, given, entries)
    _from_environment(env, given, entries)
    _from_flags(overrides or {}, given)
    return _build(given, entries, path)


def export_flags(overrides: Mapping[str, object], environ: MutableMapping[str, str]) -> None:
    """Put flags in `environ` as their variables, where worker processes read their settings.

    Paths are made absolute: a worker may not share the command's working directory.
    """
    by_key = _by_key()
    for key, raw in overrides.items():
        if raw is None:
            continue
        spec = by_key[key]
        value = _parse(spec.setting.parse, raw, f"command-line option for '{key}'")
        if isinstance(value, Path):
            environ[spec.setting.env] = str(value.resolve())
        elif isinstance(raw, list):  # a repeated flag: its variable takes a comma-separated list
            environ[spec.setting.env] = ",".join(str(item) for item in raw)
        else:
            environ[spec.setting.env] = str(raw)
