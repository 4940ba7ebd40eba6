"""Missing-data detection catches nulls and empty lists, and honours an example's allowances."""

from __future__ import annotations

import pytest

from devstack.checks import lookup, missing_data
from devstack.smoke import SmokeFailure, check_cross_post


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


def _me(fb_story: str, ig_story: str | None) -> dict[str, object]:
    shared = [{"platform": "FACEBOOK", "story": {"id": "fb1"}}]
    if ig_story is not None:
        shared.append({"platform": "INSTAGRAM", "story": {"id": ig_story}})
    return {
        "me": {
            "whatsapp": {"statuses": [{"id": "s1", "sharedTo": shared}]},
            "facebook": {"stories": [{"id": fb_story}]},
            "instagram": {"stories": [{"id": "ig1"}]},
        }
    }


def test_cross_post_check_accepts_a_status_shared_to_both() -> None:
    check_cross_post(_me("fb1", "ig1"), "s1")


@pytest.mark.parametrize(
    ("me", "status", "message"),
    [
        (_me("fb1", "ig1"), "s2", "is not in whatsapp.statuses"),
        (_me("fb1", None), "s1", "no INSTAGRAM story"),
        (_me("other", "ig1"), "s1", "FACEBOOK story fb1 is not in facebook.stories"),
    ],
)
def test_cross_post_check_names_what_is_missing(
    me: dict[str, object], status: str, message: str
) -> None:
    with pytest.raises(SmokeFailure, match=message):
        check_cross_post(me, status)
