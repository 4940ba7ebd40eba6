"""Build entity representations from merged objects, and apply Apollo's rewrites.

A representation is the object's values for the fetch's `requires` selection (`__typename`,
key fields and `@requires` inputs). As in Apollo's executor, an object missing a required field
gets no representation: the subgraph could not resolve it anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from gateway.executor.merge import deep_merge
from gateway.executor.paths import type_matches
from gateway.planner import (
    FieldSelection,
    FragmentSelection,
    KeyRenamer,
    RequiresSelection,
    Rewrite,
    ValueSetter,
)

__all__ = [
    "FlatSpec",
    "Representer",
    "apply_rewrites",
    "flat_spec",
    "representation",
    "representer",
]

_MISSING = object()


def representation(
    obj: Mapping[str, Any],
    requires: Sequence[RequiresSelection],
    possible_types: Mapping[str, frozenset[str]],
) -> dict[str, Any] | None:
    """The representation of `obj`, or None when it lacks `__typename` or a required field."""
    selected = _select_object(obj, requires, possible_types)
    if not isinstance(selected, dict) or "__typename" not in selected:
        return None
    return selected


Representer = Callable[[Mapping[str, Any]], "dict[str, Any] | None"]
FlatSpec = tuple["frozenset[str] | None", tuple[str, ...]]
"""(the accepted `__typename`s or None for any, the field names) of a flat `requires`."""


def flat_spec(
    requires: Sequence[RequiresSelection], possible_types: Mapping[str, frozenset[str]]
) -> FlatSpec | None:
    """The common shape of `requires`: `__typename` and leaf keys, bare or in one type condition.

    For these a representation is fully described by its field values in `names` order, so a
    caller can deduplicate objects by that tuple before building any dict.
    """
    names = _flat_names(requires)
    if names is not None:
        return None, names
    if len(requires) == 1 and isinstance(requires[0], FragmentSelection):
        fragment = requires[0]
        inner = _flat_names(fragment.selections)
        if inner is not None:
            accepted = {fragment.type_condition} | possible_types.get(
                fragment.type_condition, frozenset()
            )
            return frozenset(accepted), inner
    return None


def representer(
    requires: Sequence[RequiresSelection], possible_types: Mapping[str, frozenset[str]]
) -> Representer:
    """`representation` for one `requires`, specialised once per fetch for the common shapes.

    Most entity fetches require `__typename` and scalar keys, bare or inside one type
    condition; those build each representation with one dict comprehension.
    """
    spec = flat_spec(requires, possible_types)
    if spec is None:
        return partial(_general, requires, possible_types)
    accepted, names = spec
    if accepted is None:
        return partial(_flat, names)
    return partial(_flat_if_type, accepted, names)


def _flat(names: tuple[str, ...], obj: Mapping[str, Any]) -> dict[str, Any] | None:
    try:
        return {name: obj[name] for name in names}
    except KeyError:
        return None


def _flat_if_type(
    accepted: frozenset[str], names: tuple[str, ...], obj: Mapping[str, Any]
) -> dict[str, Any] | None:
    if obj.get("__typename") not in accepted:
        return None
    return _flat(names, obj)


def _general(
    requires: Sequence[RequiresSelection],
    possible_types: Mapping[str, frozenset[str]],
    obj: Mapping[str, Any],
) -> dict[str, Any] | None:
    return representation(obj, requires, possible_types)


def _flat_names(requires: Sequence[RequiresSelection]) -> tuple[str, ...] | None:
    """The field names when `requires` is only leaf fields including `__typename`, else None."""
    names: list[str] = []
    for selection in requires:
        if not isinstance(selection, FieldSelection) or selection.selections is not None:
            return None
        names.append(selection.name)
    return tuple(names) if "__typename" in names else None


def _select(
    value: object,
    selections: Sequence[RequiresSelection] | None,
    possible_types: Mapping[str, frozenset[str]],
) -> object:
    if value is None or selections is None:
        return value
    if isinstance(value, list):
        items = [_select(item, selections, possible_types) for item in value]
        return _MISSING if any(item is _MISSING for item in items) else items
    if isinstance(value, dict):
        return _select_object(value, selections, possible_types)
    return value


def _select_object(
    obj: Mapping[str, Any],
    selections: Sequence[RequiresSelection],
    possible_types: Mapping[str, frozenset[str]],
) -> object:
    out: dict[str, Any] = {}
    for selection in selections:
        match selection:
            case FieldSelection(name=name, selections=children):
                if name not in obj:
                    return _MISSING
                value = _select(obj[name], children, possible_types)
                if value is _MISSING:
                    return _MISSING
                out[name] = value
            case FragmentSelection(type_condition=condition, selections=children):
                if not type_matches(obj.get("__typename"), condition, possible_types):
                    continue
                inner = _select_object(obj, children, possible_types)
                if not isinstance(inner, dict):
                    return _MISSING
                out.update(inner)
    return out


def apply_rewrites(
    value: object,
    rewrites: Sequence[Rewrite],
    possible_types: Mapping[str, frozenset[str]],
) -> None:
    """Apply each ValueSetter/KeyRenamer to `value` in place."""
    for rewrite in rewrites:
        _rewrite(value, rewrite, rewrite.path, possible_types)


def _rewrite(
    value: object,
    rewrite: Rewrite,
    path: Sequence[str],
    possible_types: Mapping[str, frozenset[str]],
) -> None:
    if isinstance(value, list):
        for item in value:
            _rewrite(item, rewrite, path, possible_types)
        return
    if not isinstance(value, dict) or not path:
        return
    head = path[0]
    if head.startswith("... on "):
        if type_matches(value.get("__typename"), head[7:], possible_types):
            _rewrite(value, rewrite, path[1:], possible_types)
    elif len(path) > 1:
        _rewrite(value.get(head), rewrite, path[1:], possible_types)
    elif isinstance(rewrite, ValueSetter):
        value[head] = rewrite.set_value_to
    elif isinstance(rewrite, KeyRenamer) and head in value:
        moved = value.pop(head)
        current = value.get(rewrite.rename_key_to)
        if isinstance(current, dict) and isinstance(moved, dict):
            # Two selections of one field (aliased apart for the subgraph) meet again.
            deep_merge(current, moved)
        else:
            value[rewrite.rename_key_to] = moved
