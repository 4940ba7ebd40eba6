"""Fill `@fromContext` arguments: one entity request per distinct set of context values.

A fetch with `context_rewrites` passes each contextual argument as one variable, but the
objects at its Flatten path may sit under different context objects (two users' comments), so
their values differ. The objects are grouped by their values and each group is sent as its own
`_entities` request with its own variables (Apollo Router splits such a fetch the same way), so
every answer is resolved with the context of its own path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import orjson

from gateway.executor.paths import Located, flatten_path, type_matches
from gateway.planner.plan import FetchNode, KeyRenamer

__all__ = ["context_values", "run_with_contexts"]

EntityFetch = Callable[[Sequence[Located], Mapping[str, Any]], Awaitable[None]]


def context_values(
    located: Located,
    rewrites: Sequence[KeyRenamer],
    root: Mapping[str, Any],
    possible_types: Mapping[str, frozenset[str]],
) -> dict[str, Any]:
    """The variables for one object: each rewrite climbs `..` response fields from the object,
    keeps the context object if its type matches `... on T`, and reads the field."""
    found: dict[str, Any] = {}
    path = flatten_path(located[1])
    for rewrite in rewrites:
        if rewrite.rename_key_to in found:
            continue
        value = _read(root, path, rewrite.path, possible_types)
        if value is not _ABSENT:
            found[rewrite.rename_key_to] = value
    for rewrite in rewrites:
        found.setdefault(rewrite.rename_key_to, None)
    return found


_ABSENT = object()


def _read(
    root: Mapping[str, Any],
    path: list[str | int],
    steps: Sequence[str],
    possible_types: Mapping[str, frozenset[str]],
) -> object:
    ups = 0
    while ups < len(steps) and steps[ups] == "..":
        ups += 1
    end = len(path)
    for _ in range(ups):
        while end and isinstance(path[end - 1], int):
            end -= 1
        end -= 1
    if end < 0:
        return _ABSENT
    current: object = root
    for key in path[:end]:
        if isinstance(current, dict) and isinstance(key, str):
            current = current.get(key)
        elif isinstance(current, list) and isinstance(key, int) and key < len(current):
            current = current[key]
        else:
            return _ABSENT
    for step in steps[ups:]:
        if not isinstance(current, dict):
            return _ABSENT
        if step.startswith("... on "):
            if not type_matches(current.get("__typename"), step[7:], possible_types):
                return _ABSENT
        elif step in current:
            current = current[step]
        else:
            return _ABSENT
    return current


async def run_with_contexts(
    fetch: FetchNode,
    targets: Sequence[Located],
    root: Mapping[str, Any],
    possible_types: Mapping[str, frozenset[str]],
    send: EntityFetch,
) -> None:
    """Group `targets` by their context values and `send` each group with its variables."""
    groups: dict[bytes, tuple[dict[str, Any], list[Located]]] = {}
    for located in targets:
        values = context_values(located, fetch.context_rewrites, root, possible_types)
        key = orjson.dumps(values, option=orjson.OPT_SORT_KEYS)
        groups.setdefault(key, (values, []))[1].append(located)
    await asyncio.gather(*(send(members, values) for values, members in groups.values()))
