"""Missing-data detection catches nulls and empty lists, and honours an example's allowances."""

from __future__ import annotations

from devstack.checks import lookup, missing_data


def test_complete_data_has_nothing_missing() -> None:
    data = {"me": {"name": "Ada", "stories": [{"id": "1"}, {"id": "2"}]}}
    assert missing_data(data) == []


def test_null_and_empty_list_are_reported_with_indexes() -> None:
    data = {"me": {"avatar": None, "stories": [{"id": None}], "stickers": []}}
    assert missing_data(data) == [
        "me.avatar is null",
        "me.stories.0.id is null",
        "me.stickers is an empty list",
    ]


def test_allowed_paths_ignore_list_indexes() -> None:
    data = {"me": {"stories": [{"origin": None}, {"origin": {"platform": "WHATSAPP"}}], "x": []}}
    assert missing_data(data, frozenset({"me.stories.origin"}), frozenset({"me.x"})) == []


def test_lookup_follows_keys_and_indexes() -> None:
    data = {"postStatus": {"status": {"id": "s1"}, "targets": [{"platform": "FACEBOOK"}]}}
    assert lookup(data, "postStatus.status.id") == "s1"
    assert lookup(data, "postStatus.targets.0.platform") == "FACEBOOK"
    assert lookup(data, "postStatus.targets.3.platform") is None
    assert lookup(data, "postStatus.nope.id") is None
