"""Representations from `requires`, Apollo's rewrites, Flatten paths and deep merging."""

from __future__ import annotations

from typing import Any

from gateway.executor.merge import deep_merge
from gateway.executor.paths import PathIndex, collect, flatten_path
from gateway.executor.representations import apply_rewrites, representation
from gateway.planner.plan import FieldSelection, FragmentSelection, KeyRenamer, ValueSetter

POSSIBLE = {"Media": frozenset({"Book", "Movie"})}
KEY = (
    FieldSelection(name="__typename"),
    FieldSelection(name="id"),
    FieldSelection(name="owner", selections=(FieldSelection(name="id"),)),
)


def test_representation_keeps_only_required_fields() -> None:
    obj = {"__typename": "Book", "id": "1", "title": "x", "owner": {"id": "o", "name": "n"}}
    assert representation(obj, KEY, POSSIBLE) == {
        "__typename": "Book",
        "id": "1",
        "owner": {"id": "o"},
    }


def test_missing_required_field_means_no_representation() -> None:
    assert representation({"__typename": "Book", "owner": None}, KEY, POSSIBLE) is None
    assert representation({"id": "1", "owner": None}, KEY, POSSIBLE) is None


def test_null_values_are_kept() -> None:
    rep = representation({"__typename": "Book", "id": "1", "owner": None}, KEY, POSSIBLE)
    assert rep == {"__typename": "Book", "id": "1", "owner": None}


def test_fragments_apply_by_typename_and_possible_types() -> None:
    requires = (
        FragmentSelection(
            type_condition="Media",
            selections=(FieldSelection(name="__typename"), FieldSelection(name="id")),
        ),
        FragmentSelection(type_condition="Book", selections=(FieldSelection(name="isbn"),)),
    )
    movie = {"__typename": "Movie", "id": "m", "isbn": "no"}
    book = {"__typename": "Book", "id": "b", "isbn": "123"}
    assert representation(movie, requires, POSSIBLE) == {"__typename": "Movie", "id": "m"}
    assert representation(book, requires, POSSIBLE) == {
        "__typename": "Book",
        "id": "b",
        "isbn": "123",
    }
    assert representation({"__typename": "Song", "id": "s"}, requires, POSSIBLE) is None


def test_lists_inside_requires() -> None:
    requires = (
        FieldSelection(name="__typename"),
        FieldSelection(name="tags", selections=(FieldSelection(name="name"),)),
    )
    obj = {"__typename": "T", "tags": [{"name": "a", "x": 1}, {"name": "b"}]}
    assert representation(obj, requires, {}) == {
        "__typename": "T",
        "tags": [{"name": "a"}, {"name": "b"}],
    }
    assert representation({"__typename": "T", "tags": [{"x": 1}]}, requires, {}) is None


def test_value_setter_rewrites_interface_object_typename() -> None:
    rep: dict[str, Any] = {"__typename": "Book", "id": "1"}
    rewrite = ValueSetter(path=("... on Book", "__typename"), set_value_to="Media")
    apply_rewrites(rep, (rewrite,), POSSIBLE)
    assert rep == {"__typename": "Media", "id": "1"}
    other: dict[str, Any] = {"__typename": "Movie", "id": "2"}
    apply_rewrites(other, (rewrite,), POSSIBLE)
    assert other["__typename"] == "Movie"


def test_key_renamer_moves_an_aliased_value() -> None:
    entity: dict[str, Any] = {"__typename": "User", "_alias_0": "x", "inner": [{"a": 1}, {"a": 2}]}
    apply_rewrites(entity, (KeyRenamer(path=("... on User", "_alias_0"), rename_key_to="id"),), {})
    assert entity == {"__typename": "User", "id": "x", "inner": [{"a": 1}, {"a": 2}]}
    apply_rewrites(entity, (KeyRenamer(path=("inner", "a"), rename_key_to="b"),), {})
    assert entity["inner"] == [{"b": 1}, {"b": 2}]


def test_key_renamer_merges_an_aliased_object_into_the_one_already_there() -> None:
    data: dict[str, Any] = {"best": {"a": 1}, "best__alias_0": {"b": 2}}
    apply_rewrites(data, (KeyRenamer(path=("best__alias_0",), rename_key_to="best"),), {})
    assert data == {"best": {"a": 1, "b": 2}}


def test_collect_follows_lists_skips_nulls_and_filters_types() -> None:
    data: dict[str, Any] = {
        "feed": [
            {"__typename": "Book", "id": "1"},
            None,
            {"__typename": "Movie", "id": "2"},
            {"__typename": "Song", "id": "3"},
        ]
    }
    found = collect([(data, None)], ("feed", "@"), POSSIBLE)
    assert [flatten_path(link) for _, link in found] == [["feed", 0], ["feed", 2], ["feed", 3]]
    media = collect([(data, None)], ("feed", "@", "... on Media"), POSSIBLE)
    assert [obj["id"] for obj, _ in media] == ["1", "2"]
    assert collect([(data, None)], ("missing", "@"), POSSIBLE) == []


def test_deep_merge_merges_objects_and_lists_and_keeps_typename() -> None:
    target: dict[str, Any] = {
        "__typename": "Book",
        "a": {"x": 1},
        "items": [{"id": 1}, {"id": 2}],
    }
    deep_merge(
        target,
        {"__typename": "Media", "a": {"y": 2}, "items": [{"n": "a"}, {"n": "b"}], "z": None},
        POSSIBLE,
    )
    assert target == {
        "__typename": "Book",
        "a": {"x": 1, "y": 2},
        "items": [{"id": 1, "n": "a"}, {"id": 2, "n": "b"}],
        "z": None,
    }


def test_a_concrete_typename_replaces_an_interface_name() -> None:
    target: dict[str, Any] = {"__typename": "Media", "id": "1"}
    deep_merge(target, {"__typename": "Movie"}, POSSIBLE)
    assert target == {"__typename": "Movie", "id": "1"}


def test_path_index_reuses_prefixes_and_forgets_below_a_merge() -> None:
    data: dict[str, Any] = {"users": [{"id": "1"}, {"id": "2"}]}
    index = PathIndex((data, None), {})
    users = index.find(("users", "@"))
    assert [u["id"] for u, _ in users] == ["1", "2"]
    assert index.find(("users", "@", "reviews", "@")) == []
    for user, _ in users:  # what an entity fetch at users.@ merges in place
        deep_merge(user, {"reviews": [{"body": f"by {user['id']}"}]})
    assert index.find(("users", "@", "reviews", "@")) == []  # still the stale answer
    index.merged_below(("users", "@"))
    assert index.find(("users", "@")) is users  # objects at the merge path are unchanged
    reviews = index.find(("users", "@", "reviews", "@"))
    assert [(r["body"], flatten_path(at)) for r, at in reviews] == [
        ("by 1", ["users", 0, "reviews", 0]),
        ("by 2", ["users", 1, "reviews", 0]),
    ]
