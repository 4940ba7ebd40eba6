"""When links and sharing routes are paused: the one rule behind the graph and cross-posting.

Turning linking off through the graph is tested with the real subgraphs in
`test_accounts_linking.py`; the region case needs a withdrawn rollout, so it is tested here on
the rule itself.
"""

from __future__ import annotations

from subgraphs.accounts.linking import links_paused, route_paused, route_shares
from subgraphs.accounts.records import PausedReason, PersonRecord, Platform, SharingRoute, utc_now

TO_FACEBOOK = SharingRoute.WHATSAPP_STATUS_TO_FACEBOOK_STORY
TO_INSTAGRAM = SharingRoute.WHATSAPP_STATUS_TO_INSTAGRAM_STORY


def _person(*, linking: bool = True, region: str = "EU") -> PersonRecord:
    return PersonRecord(
        id="0" * 24,
        email="p@example.com",
        display_name="P",
        region=region,
        password_hash="x",
        created_at=utc_now(),
        linking_enabled=linking,
        sharing={TO_FACEBOOK: True},
    )


def test_a_withdrawn_region_pauses_everything_and_an_unlinked_route_is_paused() -> None:
    both = [Platform.WHATSAPP, Platform.FACEBOOK]
    regions = frozenset({"EU"})
    assert links_paused(_person(region="BR"), regions) is PausedReason.NOT_AVAILABLE_IN_REGION
    assert route_paused(_person(region="BR"), TO_FACEBOOK, both, regions) is (
        PausedReason.NOT_AVAILABLE_IN_REGION
    )
    assert not route_shares(_person(region="BR"), TO_FACEBOOK, both, regions)
    assert route_paused(_person(linking=False, region="BR"), TO_FACEBOOK, both, regions) is (
        PausedReason.LINKING_OFF
    )
    only_facebook = [Platform.FACEBOOK]
    assert route_paused(_person(), TO_FACEBOOK, only_facebook, regions) is PausedReason.NOT_LINKED
    assert not route_shares(_person(), TO_FACEBOOK, only_facebook, regions)
    assert route_shares(_person(), TO_FACEBOOK, both, regions)
    assert not route_shares(_person(), TO_INSTAGRAM, [*both, Platform.INSTAGRAM], regions)
