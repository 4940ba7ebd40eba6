"""The executor's fast paths give what the general code gives: grouping, merging, paths."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.executor.entities import entity_representations
from gateway.executor.fetch import FetchContext, merge_into
from gateway.executor.merge import deep_merge
from gateway.executor.paths import Located, collect, flatten_path
from gateway.executor.representations import representation
from gateway.planner.plan import FetchNode, FieldSelection, FragmentSelection, RequiresSelection
from gateway.transports import InProcessTransport

POSSIBLE = {"Media": frozenset({"Book", "Movie"})}
FLAT = (FieldSelection(name="__typename"), FieldSelection(name="id"))
IN_FRAGMENT = (FragmentSelection(type_condition="Media", selections=FLAT),)


def context() -> FetchContext:
    return FetchContext(
        transport=InProcessTransport({}),  # never called: these fetches are answered locally
        variables={},
        headers={},
        possible_types=POSSIBLE,
        errors=[],
    )


def general(
    requires: tuple[RequiresSelection, ...], targets: list[Located]
) -> tuple[list[dict[str, Any]], list[list[Located]]]:
    """Deduplication done the slow, obvious way."""
    reps: list[dict[str, Any]] = []
    owners: list[list[Located]] = []
    for located in targets:
        rep = representation(located[0], requires, POSSIBLE)
        if rep is None:
            continue
        if rep in reps:
            owners[reps.index(rep)].append(located)
        else:
            reps.append(rep)
            owners.append([located])
    return reps, owners


OBJECTS: list[dict[str, Any]] = [
    {"__typename": "Book", "id": "1", "title": "a"},
    {"__typename": "Movie", "id": "1"},
    {"__typename": "Book", "id": "1", "extra": True},
    {"__typename": "Book"},  # no id: no representation
    {"__typename": "Song", "id": "9"},  # not a Media
    {"__typename": "Book", "id": None},
    {"__typename": "Book", "id": ["x", 1]},  # a list key value: not hashable
    {"__typename": "Book", "id": ["x", 1]},
    {"__typename": "Book", "id": {"a": 1}},
    {"__typename": "Book", "id": "2"},
]


@pytest.mark.parametrize("requires", [FLAT, IN_FRAGMENT], ids=["bare", "in a fragment"])
@pytest.mark.parametrize("count", [3, 6, len(OBJECTS)], ids=["hashable", "null", "lists"])
def test_representations_group_like_the_general_code(
    requires: tuple[RequiresSelection, ...], count: int
) -> None:
    targets: list[Located] = [(obj, (None, i)) for i, obj in enumerate(OBJECTS[:count])]
    fetch = FetchNode(service_name="s", operation="{ x }", requires=requires)
    assert entity_representations(fetch, targets, context()) == general(requires, targets)


def test_merge_into_null_or_absent_keys_and_disjoint_objects() -> None:
    target: dict[str, Any] = {"__typename": "Book", "a": None, "b": 1}
    deep_merge(target, {"c": [1], "d": {"x": 1}}, POSSIBLE)  # disjoint: one update
    deep_merge(target, {"a": {"y": 2}, "__typename": "Media", "b": 3}, POSSIBLE)
    assert target == {"__typename": "Book", "a": {"y": 2}, "b": 3, "c": [1], "d": {"x": 1}}
    assert list(target) == ["__typename", "a", "b", "c", "d"]
    empty: dict[str, Any] = {}
    deep_merge(empty, {"__typename": "Media"}, POSSIBLE)  # nothing to protect yet
    assert empty == {"__typename": "Media"}


def test_collect_walks_nested_lists_scalars_and_nulls() -> None:
    data: dict[str, Any] = {
        "a": [{"b": {"c": 1}}, None, [{"b": [{"c": 2}, None, 5]}], "s", {"b": None}],
        "x": 3,
    }
    found = collect([(data, None)], ("a", "@", "b", "@"), POSSIBLE)
    assert [(obj, flatten_path(at)) for obj, at in found] == [
        ({"c": 1}, ["a", 0, "b"]),
        ({"c": 2}, ["a", 2, 0, "b", 0]),
    ]
    assert collect([(data, None)], ("x",), POSSIBLE) == []


SOURCES: list[dict[str, Any]] = [
    {"name": "x", "price": None},
    {"a": {"y": 2}},
    {"items": [{"n": 1}, {"n": 2}]},
    {"items": [{"n": 1}]},
    {"__typename": "Media", "z": 1},
    {"__typename": "Movie"},
    {"a": None, "b": [1]},
]
TARGETS: list[dict[str, Any]] = [
    {},
    {"__typename": "Book", "a": {"x": 1}, "items": [{"id": 1}, {"id": 2}], "name": "old"},
    {"a": None, "price": 3, "items": None, "b": {"c": 1}},
]


@pytest.mark.parametrize("source", SOURCES)
def test_merge_into_many_targets_is_deep_merge_into_each(source: dict[str, Any]) -> None:
    import copy

    expected = [copy.deepcopy(target) for target in TARGETS]
    for target in expected:
        deep_merge(target, copy.deepcopy(source), POSSIBLE)
    merged = [copy.deepcopy(target) for target in TARGETS]
    merge_into([(target, None) for target in merged], copy.deepcopy(source), POSSIBLE)
    assert merged == expected
    assert [list(t) for t in merged] == [list(t) for t in expected]
