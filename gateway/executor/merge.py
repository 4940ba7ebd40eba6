"""Deep-merge a subgraph's answer into the merged data, in place.

Merging keeps whatever keys the subgraphs sent; choosing what the client sees is shaping's job.
An object's concrete `__typename` is never replaced by an abstract type's name: an
`@interfaceObject` subgraph answers with the interface's name, while the object's concrete type
may already be known (and a later fetch that learns the concrete type does replace it).
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

__all__ = ["deep_merge"]


def deep_merge(
    target: dict[str, Any], source: dict[str, Any], abstract: Container[str] = frozenset()
) -> None:
    """Merge `source` into `target`: objects key by key, equal-length lists item by item.

    `abstract` holds the names of interfaces and unions, which never replace a `__typename`.
    """
    if target.keys().isdisjoint(source):
        # The common case: an entity fetch brings fields the object does not have yet.
        target.update(source)
        return
    for key, value in source.items():
        current = target.get(key)
        if current is None:  # absent or null: nothing to merge with, nothing to protect
            target[key] = value
        elif key == "__typename" and value in abstract:
            continue
        elif current.__class__ is dict and value.__class__ is dict:
            deep_merge(current, value, abstract)
        elif current.__class__ is list and value.__class__ is list and len(current) == len(value):
            _merge_lists(current, value, abstract)
        else:
            target[key] = value


def _merge_lists(current: list[Any], incoming: list[Any], abstract: Container[str]) -> None:
    for index, value in enumerate(incoming):
        existing = current[index]
        if existing.__class__ is dict and value.__class__ is dict:
            deep_merge(existing, value, abstract)
        elif existing.__class__ is list and value.__class__ is list and len(existing) == len(value):
            _merge_lists(existing, value, abstract)
        else:
            current[index] = value
