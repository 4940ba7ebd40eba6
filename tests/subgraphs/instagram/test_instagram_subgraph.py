"""What only Instagram has: usernames, checked and unique across Instagram.

Everything Facebook and Instagram share is tested once for both in
`tests/subgraphs/common/test_story_schema.py`.
"""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId

from tests.subgraphs.whatsapp.platform_world import Graph

pytestmark = pytest.mark.integration

WRITES = ("insert", "update", "delete", "findAndModify")
REGISTER = "mutation($u: String!) { registerInstagramProfile(username: $u) { id username } }"


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def writes(graph: Graph) -> int:
    counts = graph.commands("instagram")
    return sum(counts.get(command, 0) for command in WRITES)


def test_usernames_are_checked_and_unique(graph: Graph) -> None:
    first, second = graph.sign_up(), graph.sign_up()
    username = f"u_{ObjectId()}"[:30]
    graph.data("instagram", REGISTER, {"u": username}, first.token)
    before = writes(graph)
    for bad in ("", "Has Spaces", "UPPER", "x" * 31, "emoji_🙂"):
        body = graph.post("instagram", REGISTER, {"u": bad}, second.token)
        assert codes(body) == ["BAD_USER_INPUT"], bad
    assert writes(graph) == before
    assert codes(graph.post("instagram", REGISTER, {"u": username}, second.token)) == ["CONFLICT"]
    profiles = graph.database("instagram")["profiles"]
    assert profiles.count_documents({"ownerId": second.id}) == 0
