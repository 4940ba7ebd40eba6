"""Plugins named in the settings (`module:attribute`), imported and built at start-up.

`use: module:attribute` names the plugin. With a `config` mapping, the attribute is a factory
(a class or a function) called with that mapping as its one argument; without one, a class is
instantiated with no arguments and anything else is the plugin itself (a module-level object,
or a module used as a plugin). A name that does not import, or a config its factory refuses
(`KeyError`, `OSError`, `TypeError`, `ValueError`), fails start-up with a message.
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway.config import PluginRef
from gateway.references import ReferenceLoadError, load_reference

__all__ = ["PluginLoadError", "PluginRef", "load_plugin", "load_plugins"]


class PluginLoadError(ValueError):
    """A configured plugin could not be imported or built; the message says which and why."""


def load_plugin(ref: PluginRef) -> object:
    """The plugin `ref` names, built with its config."""
    try:
        target = load_reference(ref.use, "plugin")
    except ReferenceLoadError as error:
        raise PluginLoadError(str(error)) from None
    if ref.config is not None:
        if not callable(target):
            raise PluginLoadError(f"plugin {ref.use!r} has a config but is not a factory")
        try:
            return target(dict(ref.config))
        except (KeyError, OSError, TypeError, ValueError) as error:  # a config the factory refused
            raise PluginLoadError(f"plugin {ref.use!r}: bad config: {error}") from None
    if isinstance(target, type):
        return target()
    return target


def load_plugins(refs: Iterable[PluginRef]) -> list[object]:
    return [load_plugin(ref) for ref in refs]
