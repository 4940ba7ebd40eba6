"""Context values for `@fromContext` arguments, and one request per distinct value."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from gateway.executor.contexts import context_values, run_with_contexts
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


def test_one_request_per_distinct_context_value() -> None:
    """The same entity (c1) under two owners is asked twice, once with each owner's value."""
    data = _data()
    found = _comments(data, ("owners", "@", "post", "comments", "@"))
    fetch = FetchNode(
        service_name="posts",
        operation="query($representations:[_Any!]!$contextualArgument_2_0:String){...}",
        requires=(FieldSelection(name="__typename"), FieldSelection(name="id")),
        context_rewrites=REWRITES,
    )
    sent: list[tuple[list[str], dict[str, Any]]] = []

    async def send(members: list[Located], values: Mapping[str, Any]) -> None:
        sent.append(([m[0]["id"] for m in members], dict(values)))

    asyncio.run(run_with_contexts(fetch, found, data, {}, send))  # type: ignore[arg-type]
    assert sorted(sent, key=lambda s: str(s[1])) == [
        (["c1", "c2"], {"contextualArgument_2_0": "ada"}),
        (["c1"], {"contextualArgument_2_0": "docs"}),
    ]


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
