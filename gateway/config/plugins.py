"""The `plugins:` setting: which plugins to load (`gateway/plugins/` loads them).

In YAML a list whose entries are `module:attribute` strings or `{use: module:attribute,
config: {...}}` mappings; in `GATEWAY_PLUGINS` and from repeated `--plugin` flags, names only
(comma-separated in the variable). As with every setting, the flags replace the file's list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from gateway.config.parsers import Invalid

__all__ = ["PluginRef", "plugin_refs"]

_EXPECTED = "a list of `module:attribute` names or {use: module:attribute, config: {...}} entries"


@dataclass(frozen=True, slots=True, kw_only=True)
class PluginRef:
    """One `plugins:` entry: where the plugin is, and its own settings (None: no factory call)."""

    use: str
    config: Mapping[str, Any] | None = None


def plugin_refs(raw: object) -> tuple[PluginRef, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(_ref(name.strip()) for name in raw.split(",") if name.strip())
    if not isinstance(raw, list | tuple):
        raise Invalid(_EXPECTED)
    return tuple(_entry(item) for item in raw)


def _entry(item: object) -> PluginRef:
    if isinstance(item, str):
        return _ref(item.strip())
    if not isinstance(item, dict) or set(item) - {"use", "config"}:
        raise Invalid(_EXPECTED)
    config = item.get("config")
    if config is not None and not isinstance(config, dict):
        raise Invalid(f"a mapping as the `config` of plugin {item.get('use')!r}")
    ref = _ref(item.get("use"))
    return PluginRef(use=ref.use, config=None if config is None else MappingProxyType(config))


def _ref(use: object) -> PluginRef:
    if not isinstance(use, str) or use.count(":") != 1 or use.startswith(":") or use.endswith(":"):
        raise Invalid(f"`module:attribute` (got {use!r})")
    return PluginRef(use=use)
