"""Cache keys and `@cacheTag` tags, from the supergraph and one request's values.

Keys are laid out so that each invalidation kind is a key prefix (see `storage.py`):

    e:<subgraph>:<type>:<key hash>:<selection and other inputs hash>[:p:<subject hash>]
    r:<subgraph>:<root type>:<query and variables hash>[:p:<subject hash>]
    t:<subgraph>:<tag>                                  (the set of keys tagged <tag>)

The key hash covers the representation's `@key` fields only (the first resolvable key of the
type in that subgraph that the representation carries), so "invalidate User {id: 1}" finds
every entry of that user whatever else was asked; the other representation fields
(`@requires` inputs) go in the second hash with the selection.

`@cacheTag(format:)` reaches the supergraph as `@join__directive(graphs:, name:
"federation__cacheTag", args: {format:})` on object types (entities: `{$key.<field>}`) and on
root query fields (`{$args.<argument>}`), as Apollo's composition writes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import FieldNode, SelectionSetNode, value_from_ast_untyped

from gateway.caching.shapes import RootField, digest
from gateway.supergraph import JoinDirective, Supergraph

__all__ = ["CACHE_TAG_NAMES", "SchemaFacts", "interpolate", "key_hash"]

CACHE_TAG_NAMES = frozenset({"federation__cacheTag", "cacheTag"})
_PLACEHOLDER = re.compile(r"\{\$(key|args)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\}")
_MISSING = object()


def key_hash(key: Mapping[str, Any]) -> str:
    """The hash of an entity's key fields, the same for a cached entity and an invalidation."""
    return digest(orjson.dumps(key, option=orjson.OPT_SORT_KEYS))


def interpolate(fmt: str, source: str, values: Mapping[str, Any]) -> str | None:
    """`fmt` with each `{$<source>.a.b}` replaced; None when a value is missing."""
    failed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal failed
        if match.group(1) != source:
            failed = True
            return ""
        value: Any = values
        for part in match.group(2)[1:].split("."):
            value = value.get(part, _MISSING) if isinstance(value, Mapping) else _MISSING
        if value is _MISSING or value is None:
            failed = True
            return ""
        return value if isinstance(value, str) else orjson.dumps(value).decode()

    text = _PLACEHOLDER.sub(replace, fmt)
    return None if failed else text


@dataclass(slots=True)
class SchemaFacts:
    """What one supergraph says about caching, each answer worked out once."""

    supergraph: Supergraph
    _keys: dict[tuple[str, str], tuple[SelectionSetNode, ...]] = field(default_factory=dict)
    _tags: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)

    @property
    def query_type(self) -> str:
        return self.supergraph.root_types.get("query", "Query")

    def entity_key(self, subgraph: str, rep: Mapping[str, Any]) -> dict[str, Any]:
        """The representation's key fields (all of it but `__typename` when no key fits)."""
        typename = rep.get("__typename")
        for selection in self._key_selections(subgraph, str(typename)):
            projected = _project(rep, selection)
            if projected is not None:
                return projected
        return {name: value for name, value in rep.items() if name != "__typename"}

    def entity_tags(self, subgraph: str, typename: str, key: Mapping[str, Any]) -> list[str]:
        formats = self._formats(subgraph, typename, "")
        return [t for t in (interpolate(f, "key", key) for f in formats) if t is not None]

    def root_tags(
        self, subgraph: str, roots: tuple[RootField, ...], variables: Mapping[str, Any]
    ) -> list[str]:
        tags: list[str] = []
        for root in roots:
            formats = self._formats(subgraph, self.query_type, root.name)
            if not formats:
                continue
            values = dict(variables)
            args = {name: value_from_ast_untyped(node, values) for name, node in root.arguments}
            tags.extend(t for t in (interpolate(f, "args", args) for f in formats) if t)
        return tags

    def _key_selections(self, subgraph: str, typename: str) -> tuple[SelectionSetNode, ...]:
        found = self._keys.get((subgraph, typename))
        if found is None:
            meta = self.supergraph.types.get(typename)
            info = meta.graphs.get(subgraph) if meta is not None else None
            keys = info.keys if info is not None else ()
            found = self._keys[(subgraph, typename)] = tuple(
                k.selection for k in keys if k.resolvable
            )
        return found

    def _formats(self, subgraph: str, typename: str, field_name: str) -> tuple[str, ...]:
        """The `@cacheTag` formats `subgraph` puts on a type ("" field) or a field."""
        at = (subgraph, typename, field_name)
        found = self._tags.get(at)
        if found is None:
            meta = self.supergraph.types.get(typename)
            directives: tuple[JoinDirective, ...] = ()
            if meta is not None:
                owner = meta.fields.get(field_name) if field_name else meta
                directives = owner.directives if owner is not None else ()
            found = self._tags[at] = tuple(
                str(d.args["format"])
                for d in directives
                if d.name in CACHE_TAG_NAMES and subgraph in d.graphs and "format" in d.args
            )
        return found


def _project(value: Mapping[str, Any], selection: SelectionSetNode) -> dict[str, Any] | None:
    """`value` cut down to `selection` (a key's fields); None when a field is missing."""
    out: dict[str, Any] = {}
    for node in selection.selections:
        if not isinstance(node, FieldNode):
            return None
        name = node.name.value
        if name not in value:
            return None
        item = value[name]
        if node.selection_set is not None and item is not None:
            nested = _nested(item, node.selection_set)
            if nested is _MISSING:
                return None
            item = nested
        out[name] = item
    return out


def _nested(item: Any, selection: SelectionSetNode) -> Any:
    if isinstance(item, Mapping):
        projected = _project(item, selection)
        return _MISSING if projected is None else projected
    if isinstance(item, list):
        parts = [_nested(i, selection) for i in item]
        return _MISSING if any(p is _MISSING for p in parts) else parts
    return _MISSING
