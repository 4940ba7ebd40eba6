"""Context values for `@fromContext` arguments, and one request per distinct value."""

from __future__ import annotations

from typing import Any

from gateway.executor.contexts import aliased_fetch, context_values, group_by_context
from gateway.executor.paths import Located, collect
from gateway.planner.plan import FetchNode, FieldSelection, KeyRenamer

REWRITES = (
    KeyRenamer(path=("..", "..", "... on User", "name"), rename_key_to="contextualArgument_2_0"),
    KeyRenamer(path=("..", "..", "... on Folder", "name"), rename_key_to="contextualArgument_2_0"),
)


def _data() -> dict[str, Any]:
    def owner(typename: str, name: str, ids: list[str]) -> dict[str, Any]:
        comments = [{"__typename": "Comment", "id": i} for i in ids]
        return {"__typename": typename, "name": name, "post": {"comments": comments}}

    return {
        "owners": [owner("User", "ada", ["c1", "c2"]), owner("Folder", "docs", ["c1"])],
        "nobody": {"__typename": "Team", "post": {"comments": [{"__typename": "Comment"}]}},
    }


def _comments(data: dict[str, Any], path: tuple[str, ...]) -> list[Located]:
    return collect([(data, None)], path, {})


def test_value_is_read_from_the_matching_owner_two_fields_up() -> None:
    data = _data()
    found = _comments(data, ("owners", "@", "post", "comments", "@"))
    values = [context_values(c, REWRITES, data, {}) for c in found]
    assert values == [
        {"contextualArgument_2_0": "ada"},
        {"contextualArgument_2_0": "ada"},
        {"contextualArgument_2_0": "docs"},
    ]


def test_an_object_with_no_owner_of_the_context_gets_null() -> None:
    data = _data()
    found = _comments(data, ("nobody", "post", "comments", "@"))
    assert context_values(found[0], REWRITES, data, {}) == {"contextualArgument_2_0": None}


FETCH = FetchNode(
    service_name="posts",
    operation=(
        "query Q__posts__2($representations:[_Any!]!$loud:Boolean"
        "$contextualArgument_2_0:String){_entities(representations:$representations)"
        "{...on Comment{text(loud:$loud author:$contextualArgument_2_0)}}}"
    ),
    operation_name="Q__posts__2",
    variable_usages=("loud", "contextualArgument_2_0"),
    requires=(FieldSelection(name="__typename"), FieldSelection(name="id")),
    context_rewrites=REWRITES,
)


def test_objects_are_grouped_by_their_context_values() -> None:
    """The same entity (c1) under two owners lands in two groups, one per owner's value."""
    data = _data()
    found = _comments(data, ("owners", "@", "post", "comments", "@"))
    groups = group_by_context(FETCH, found, data, {})
    assert [([m[0]["id"] for m in members], values) for values, members in groups] == [
        (["c1", "c2"], {"contextualArgument_2_0": "ada"}),
        (["c1"], {"contextualArgument_2_0": "docs"}),
    ]


def test_several_groups_become_one_request_with_aliased_entities() -> None:
    node = aliased_fetch(FETCH, 2)
    assert node.operation == (
        "query Q__posts__2($__context_reps_0:[_Any!]!$contextualArgument_2_0_0:String"
        "$__context_reps_1:[_Any!]!$contextualArgument_2_0_1:String$loud:Boolean)"
        "{_0:_entities(representations:$__context_reps_0)"
        "{...on Comment{text(loud:$loud author:$contextualArgument_2_0_0)}}"
        "_1:_entities(representations:$__context_reps_1)"
        "{...on Comment{text(loud:$loud author:$contextualArgument_2_0_1)}}}"
    )
    assert [(e.alias, e.variable) for e in node.entities] == [
        ("_0", "__context_reps_0"),
        ("_1", "__context_reps_1"),
    ]
    assert node.variable_usages == ("loud",)
    assert node.operation_name == "Q__posts__2"


def test_a_nested_selection_reads_the_leaf_below_the_owner() -> None:
    data = {
        "u": {
            "__typename": "User",
            "address": {"city": "Paris", "zip": "75001"},
            "post": {"__typename": "Post", "id": "p1"},
        }
    }
    (post,) = _comments(data, ("u", "post"))
    rewrite = KeyRenamer(
        path=("..", "... on User", "address", "city"), rename_key_to="contextualArgument_1_0"
    )
    assert context_values(post, (rewrite,), data, {}) == {"contextualArgument_1_0": "Paris"}
