"""`module:attribute` references in the settings, imported at start-up.

Plugins (`plugins[].use`), the `@policy` hook (`authorization.policy_hook`) and in-process
subgraphs (`subgraphs.<name>.schema`) all name Python objects this way; one loader gives them
the same rules and the same messages. `attribute` may be dotted (`module:Class.attr`). A name
that does not import fails start-up with a message naming the setting, never a traceback.
"""

from __future__ import annotations

import importlib

__all__ = ["ReferenceLoadError", "load_reference"]


class ReferenceLoadError(ValueError):
    """A `module:attribute` reference did not resolve; the message says which and why."""


def load_reference(reference: str, what: str) -> object:
    """The object `reference` names; `what` names the setting in error messages."""
    module_name, colon, attribute = reference.partition(":")
    if not colon or not module_name or not attribute:
        raise ReferenceLoadError(f"{what} {reference!r}: expected `module:attribute`")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ReferenceLoadError(
            f"{what} {reference!r}: cannot import {module_name}: {error}"
        ) from None
    target: object = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise ReferenceLoadError(f"{what} {reference!r}: {module_name} has no {attribute}")
        target = getattr(target, part)
    return target
