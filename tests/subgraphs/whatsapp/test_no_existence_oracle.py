"""No lookup by id tells an existing item from a missing one unless the caller owns it.

Ids are sequential ObjectIds, so an answer that differs for "exists" would let anyone list which
Statuses and Stories exist and when they were made. Each case compares the whole response body
for a real id with the body for an id nobody has.
"""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId

from tests.subgraphs.whatsapp.platform_world import Graph, Person

pytestmark = pytest.mark.integration

LOOKUPS = {
    "whatsapp": "query($id: ID!) { whatsAppStatus(id: $id) { id } }",
    "facebook": "query($id: ID!) { facebookStory(id: $id) { id } }",
    "instagram": "query($id: ID!) { instagramStory(id: $id) { id } }",
}
PROOFS = {
    "whatsapp": "createWhatsAppLinkProof",
    "facebook": "createFacebookLinkProof",
    "instagram": "createInstagramLinkProof",
}


def _item(graph: Graph, platform: str, owner: Person) -> tuple[str, str]:
    """(the owner's account id, one item on it) on `platform`."""
    if platform == "whatsapp":
        account = graph.register_whatsapp(owner)
        mutation = 'mutation { postStatus(text: "mine", crossPost: false) { status { id } } }'
        return account, graph.data(platform, mutation, token=owner.token)["postStatus"]["status"][
            "id"
        ]
    account = (
        graph.register_facebook(owner)
        if platform == "facebook"
        else graph.register_instagram(owner)
    )
    field = f"create{platform.capitalize()}Story"
    data = graph.data(
        platform, f'mutation {{ {field}(caption: "mine") {{ id }} }}', token=owner.token
    )
    return account, data[field]["id"]


def _both(graph: Graph, platform: str, query: str, real: str, token: str | None) -> Any:
    """The bodies for the real id and for an unused one, after checking they are the same."""
    with_real = graph.post(platform, query, {"id": real, "a": real}, token)
    unused = str(ObjectId())
    with_unused = graph.post(platform, query, {"id": unused, "a": unused}, token)
    assert with_real == with_unused
    return with_real


@pytest.mark.parametrize("platform", ["whatsapp", "facebook", "instagram"])
def test_lookup_by_id_reveals_nothing_to_strangers_or_anonymous_callers(
    graph: Graph, platform: str
) -> None:
    owner, stranger = graph.sign_up(), graph.sign_up()
    _, item = _item(graph, platform, owner)
    query = LOOKUPS[platform]
    field = next(iter(graph.data(platform, query, {"id": item}, owner.token)))
    assert graph.data(platform, query, {"id": item}, owner.token) == {field: {"id": item}}
    assert _both(graph, platform, query, item, stranger.token) == {"data": {field: None}}
    anonymous = _both(graph, platform, query, item, None)
    assert anonymous["data"] == {field: None}
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert item not in str(anonymous)


@pytest.mark.parametrize("platform", ["whatsapp", "facebook", "instagram"])
def test_a_link_proof_for_someone_elses_account_reads_as_a_missing_account(
    graph: Graph, platform: str
) -> None:
    owner, stranger = graph.sign_up(), graph.sign_up()
    account, _ = _item(graph, platform, owner)
    mutation = f"mutation($a: ID!) {{ {PROOFS[platform]}(accountId: $a) {{ code }} }}"
    body = _both(graph, platform, mutation, account, stranger.token)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]
    anonymous = _both(graph, platform, mutation, account, None)
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
