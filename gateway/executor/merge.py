"""Deep-merge a subgraph's answer into the merged data, in place.

Merging keeps whatever keys the subgraphs sent; choosing what the client sees is shaping's job.
An object's `__typename` is never overwritten: an `@interfaceObject` subgraph answers with the
interface's name, while the object's concrete type is already known.
"""

from __future__ import annotations

from typing import Any

__all__ = ["deep_merge"]


def deep_merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Merge `source` into `target`: objects key by key, equal-length lists item by item."""
    for key, value in source.items():
        current = target.get(key)
        if key == "__typename" and current is not None:
            continue
        if isinstance(current, dict) and isinstance(value, dict):
            deep_merge(current, value)
        elif isinstance(current, list) and isinstance(value, list) and len(current) == len(value):
            _merge_lists(current, value)
        else:
            target[key] = value


def _merge_lists(current: list[Any], incoming: list[Any]) -> None:
    for index, value in enumerate(incoming):
        existing = current[index]
        if isinstance(existing, dict) and isinstance(value, dict):
            deep_merge(existing, value)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            _merge_lists(existing, value)
        else:
            current[index] = value
