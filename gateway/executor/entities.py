"""Which representations an entity fetch sends: one per distinct entity, with its objects.

An entity often appears under many objects (the same product under every review), so each
distinct representation is sent once and its answer merged back into every object it came
from. Flat `requires` (the common case) are grouped by their key values before any dict is
built; anything else goes through the general `representer`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import orjson

from gateway.executor.paths import Located
from gateway.executor.representations import FlatSpec, apply_rewrites, flat_spec, representer
from gateway.planner import EntityBatch, FetchNode

if TYPE_CHECKING:
    from gateway.executor.fetch import FetchContext

__all__ = ["entity_representations"]


def entity_representations(
    fetch: FetchNode | EntityBatch, targets: Sequence[Located], ctx: FetchContext
) -> tuple[list[dict[str, Any]], list[list[Located]]]:
    """Deduplicated representations, and for each the objects that produced it."""
    assert fetch.requires is not None
    spec = _flat_spec(fetch, ctx.possible_types)
    if spec is not None:
        flat = _flat_representations(spec, targets)
        if flat is not None:
            return flat
    index: dict[object, int] = {}
    representations: list[dict[str, Any]] = []
    owners: list[list[Located]] = []
    represent = representer(fetch.requires, ctx.possible_types)
    rewrites = fetch.input_rewrites
    for located in targets:
        rep = represent(located[0])
        if rep is None:
            continue
        if rewrites:
            apply_rewrites(rep, rewrites, ctx.possible_types)
        key = _dedup_key(rep)
        position = index.get(key)
        if position is None:
            index[key] = len(representations)
            representations.append(rep)
            owners.append([located])
        else:
            owners[position].append(located)
    return representations, owners


_FLAT_SPECS: dict[
    int, tuple[FetchNode | EntityBatch, Mapping[str, frozenset[str]], FlatSpec | None]
] = {}


def _flat_spec(
    fetch: FetchNode | EntityBatch, possible_types: Mapping[str, frozenset[str]]
) -> FlatSpec | None:
    """`flat_spec` of the fetch's `requires`, remembered per plan node.

    Keyed by identity: hashing the frozen `requires` tree costs more than deriving the spec.
    Each entry holds its node, so an id is not reused while its entry is here.
    """
    entry = _FLAT_SPECS.get(id(fetch))
    if entry is not None and entry[0] is fetch and entry[1] is possible_types:
        return entry[2]
    spec = None
    if fetch.requires is not None and not fetch.input_rewrites:
        spec = flat_spec(fetch.requires, possible_types)
    if len(_FLAT_SPECS) >= 4096:
        _FLAT_SPECS.clear()
    _FLAT_SPECS[id(fetch)] = (fetch, possible_types, spec)
    return spec


def _flat_representations(
    spec: FlatSpec, targets: Sequence[Located]
) -> tuple[list[dict[str, Any]], list[list[Located]]] | None:
    """`entity_representations` for a flat `requires`: objects are grouped by their key values.

    Most objects repeat an entity already seen (the same product under many reviews), often the
    one just before, so the tuple of values is compared with the previous one, then looked up,
    and a representation dict is built only for new ones. None when a key value is a list or an
    object (not hashable): the general path handles those.
    """
    accepted, names = spec
    values_of = itemgetter(*names) if len(names) > 1 else _one_value(names[0])
    typename_at = names.index("__typename")
    groups: dict[Any, list[Located]] = {}
    representations: list[dict[str, Any]] = []
    previous: Any = _NOTHING
    group: list[Located] = []
    try:
        for located in targets:
            try:
                values = values_of(located[0])
            except KeyError:  # a required field is missing: no representation, as in Apollo
                continue
            if values == previous:  # equal to a hashable tuple: the same dict key
                group.append(located)
                continue
            if accepted is not None and values[typename_at] not in accepted:
                continue
            previous = values
            found = groups.get(values)
            if found is None:
                group = groups[values] = [located]
                representations.append(dict(zip(names, values, strict=True)))
            else:
                group = found
                group.append(located)
    except TypeError:
        return None
    return representations, list(groups.values())


_NOTHING = object()


def _one_value(name: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """`itemgetter` for one name, still returning a tuple."""
    return lambda obj: (obj[name],)


def _dedup_key(rep: dict[str, Any]) -> object:
    """A hashable key equal for equal representations (same keys, in the planner's order)."""
    key = tuple(rep.items())
    try:
        hash(key)
    except TypeError:  # nested key values (lists, objects): compare their canonical JSON
        return orjson.dumps(rep, option=orjson.OPT_SORT_KEYS)
    return key
