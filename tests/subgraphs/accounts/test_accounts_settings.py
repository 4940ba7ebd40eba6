"""Linking switch, regional rollout, sharing preferences, consent and shared assets over HTTP.

Linking itself (with proofs from the platforms) is in `test_accounts_linking.py`; these checks
need only accounts, and every refused request is shown to leave the database unchanged.
"""

from __future__ import annotations

import pytest

from tests.subgraphs.accounts.accounts_support import AccountsService, codes, ok, sign_up

pytestmark = pytest.mark.integration

LINK = """
mutation($platform: Platform!, $account: ID!, $code: String!) {
  linkAccount(platform: $platform, accountId: $account, proofCode: $code) { platform }
}
"""
SHARE = """
mutation($route: SharingRoute!, $on: Boolean!) {
  setSharingPreference(route: $route, enabled: $on) { route enabled }
}
"""
ACCOUNT = "0123456789abcdef01234567"


def _link(accounts: AccountsService, token: str, **overrides: str) -> list[str]:
    variables = {"platform": "FACEBOOK", "account": ACCOUNT, "code": "ABCDEFGHJK", **overrides}
    return codes(accounts.gql(LINK, variables, token=token))


def test_linking_is_off_by_default_and_can_be_toggled(accounts: AccountsService) -> None:
    me = sign_up(accounts.url)
    query = "{ me { linking { enabled changedAt linkedAccounts { platform } } } }"
    assert ok(accounts.gql(query, token=me.token))["me"]["linking"] == {
        "enabled": False,
        "changedAt": None,
        "linkedAccounts": [],
    }
    toggle = "mutation($on: Boolean!) { setLinkingEnabled(enabled: $on) { enabled } }"
    for on in (True, False, True):
        assert ok(accounts.gql(toggle, {"on": on}, token=me.token))["setLinkingEnabled"] == {
            "enabled": on
        }
        assert ok(accounts.gql(query, token=me.token))["me"]["linking"]["enabled"] is on


def test_linking_while_off_is_forbidden_and_changes_nothing(accounts: AccountsService) -> None:
    me = sign_up(accounts.url)
    before = accounts.counts()
    response = accounts.gql(
        LINK, {"platform": "FACEBOOK", "account": ACCOUNT, "code": "X"}, token=me.token
    )
    assert codes(response) == ["FORBIDDEN"]
    assert response.errors[0]["extensions"]["reason"] == "LINKING_DISABLED"
    assert accounts.counts() == before


def test_linking_outside_rolled_out_regions_is_refused(accounts: AccountsService) -> None:
    me = sign_up(accounts.url, region="JP")
    turn_on = "mutation { setLinkingEnabled(enabled: true) { enabled } }"
    assert codes(accounts.gql(turn_on, token=me.token)) == ["NOT_AVAILABLE_IN_REGION"]
    availability = ok(
        accounts.gql("{ me { availability { region linkingAvailable } } }", token=me.token)
    )
    assert availability["me"]["availability"] == {"region": "JP", "linkingAvailable": False}
    before = accounts.counts()
    assert _link(accounts, me.token) == ["NOT_AVAILABLE_IN_REGION"]
    assert accounts.counts() == before


def test_linking_in_a_rolled_out_region_is_not_refused_for_region(
    accounts: AccountsService,
) -> None:
    me = sign_up(accounts.url, region="US")
    ok(accounts.gql("mutation { setLinkingEnabled(enabled: true) { enabled } }", token=me.token))
    # No platform is running beside this accounts process, so the proof cannot be checked.
    assert _link(accounts, me.token) == ["SERVICE_UNAVAILABLE"]


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"account": "not-an-id"}, "accountId"),
        ({"account": "0123456789ABCDEF01234567"}, "accountId"),
        ({"code": ""}, "proofCode"),
        ({"code": "x" * 65}, "proofCode"),
    ],
)
def test_bad_link_input_is_bad_user_input(
    accounts: AccountsService, overrides: dict[str, str], argument: str
) -> None:
    me = sign_up(accounts.url)
    ok(accounts.gql("mutation { setLinkingEnabled(enabled: true) { enabled } }", token=me.token))
    before = accounts.counts()
    response = accounts.gql(
        LINK,
        {"platform": "FACEBOOK", "account": ACCOUNT, "code": "ABCDEFGHJK", **overrides},
        token=me.token,
    )
    assert codes(response) == ["BAD_USER_INPUT"]
    assert response.errors[0]["extensions"]["argument"] == argument
    assert accounts.counts() == before


def test_unknown_platform_is_bad_user_input(accounts: AccountsService) -> None:
    me = sign_up(accounts.url)
    assert _link(accounts, me.token, platform="MYSPACE") == ["BAD_USER_INPUT"]
    inline = accounts.gql("mutation { unlinkAccount(platform: MYSPACE) }", token=me.token)
    assert codes(inline) == ["BAD_USER_INPUT"]


def test_unlinking_what_is_not_linked_is_not_found(accounts: AccountsService) -> None:
    me = sign_up(accounts.url)
    response = accounts.gql("mutation { unlinkAccount(platform: INSTAGRAM) }", token=me.token)
    assert codes(response) == ["NOT_FOUND"]


def test_sharing_is_off_by_default_and_needs_links(accounts: AccountsService) -> None:
    me = sign_up(accounts.url)
    sharing = ok(accounts.gql("{ me { sharing { route enabled } } }", token=me.token))
    assert sharing["me"]["sharing"] == [
        {"route": "WHATSAPP_STATUS_TO_FACEBOOK_STORY", "enabled": False},
        {"route": "WHATSAPP_STATUS_TO_INSTAGRAM_STORY", "enabled": False},
    ]
    before = accounts.counts()
    response = accounts.gql(
        SHARE, {"route": "WHATSAPP_STATUS_TO_INSTAGRAM_STORY", "on": True}, token=me.token
    )
    assert codes(response) == ["BAD_USER_INPUT"]
    assert response.errors[0]["extensions"]["reason"] == "NOT_LINKED"
    assert accounts.counts() == before
    turned_off = accounts.gql(
        SHARE, {"route": "WHATSAPP_STATUS_TO_INSTAGRAM_STORY", "on": False}, token=me.token
    )
    assert ok(turned_off)["setSharingPreference"]["enabled"] is False
    status, body = accounts.internal("/internal/crosspost-targets", {"personId": me.person_id})
    assert (status, body) == (200, {"targets": []})


def test_consent_is_recorded_with_time_and_history(accounts: AccountsService) -> None:
    me = sign_up(accounts.url)
    consent = """
    mutation($p: ConsentPurpose!, $g: Boolean!) {
      setConsent(purpose: $p, granted: $g) { purpose granted recordedAt }
    }
    """
    first = ok(accounts.gql(consent, {"p": "ADS", "g": True}, token=me.token))["setConsent"]
    second = ok(accounts.gql(consent, {"p": "ADS", "g": False}, token=me.token))["setConsent"]
    ok(accounts.gql(consent, {"p": "PERSONALISATION", "g": True}, token=me.token))
    data = ok(
        accounts.gql(
            "{ me { consents { purpose granted recordedAt }"
            " consentHistory { purpose granted recordedAt } } }",
            token=me.token,
        )
    )["me"]
    current = {c["purpose"]: c for c in data["consents"]}
    assert current["ADS"] == second
    assert current["PERSONALISATION"]["granted"] is True
    ads_history = [c for c in data["consentHistory"] if c["purpose"] == "ADS"]
    assert ads_history == [second, first]
    assert first["recordedAt"] <= second["recordedAt"]


def test_avatar_stickers_and_imagine_me(accounts: AccountsService) -> None:
    me = sign_up(accounts.url)
    avatar = ok(
        accounts.gql(
            'mutation { setAvatar(imageUrl: "https://img.example/a.png") { imageUrl } }',
            token=me.token,
        )
    )
    assert avatar["setAvatar"] == {"imageUrl": "https://img.example/a.png"}
    for prompt in ("one", "two", "three", "four"):
        ok(
            accounts.gql(
                "mutation($p: String!) { createSticker(prompt: $p) { id } }",
                {"p": prompt},
                token=me.token,
            )
        )
    stickers = ok(accounts.gql("{ me { stickers(first: 3) { id label } } }", token=me.token))
    newest = stickers["me"]["stickers"]
    assert [s["label"] for s in newest] == ["four", "three", "two"]
    ok(
        accounts.gql(
            "mutation($id: ID!) { deleteSticker(id: $id) }", {"id": newest[0]["id"]}, token=me.token
        )
    )
    labels = ok(accounts.gql("{ me { stickers { label } } }", token=me.token))["me"]["stickers"]
    assert [s["label"] for s in labels] == ["three", "two", "one"]

    made = ok(
        accounts.gql(
            'mutation { createImagineMe(prompt: "me as an astronaut") { id imageUrl } }',
            token=me.token,
        )
    )
    creation = made["createImagineMe"]
    used = ok(
        accounts.gql(
            "mutation($id: ID!) { setImagineMeAsAvatar(id: $id) { imageUrl } }",
            {"id": creation["id"]},
            token=me.token,
        )
    )
    assert used["setImagineMeAsAvatar"]["imageUrl"] == creation["imageUrl"]
    ok(
        accounts.gql(
            "mutation($id: ID!) { deleteImagineMe(id: $id) }",
            {"id": creation["id"]},
            token=me.token,
        )
    )
    after = ok(accounts.gql("{ me { avatar { imageUrl } imagineMe { id } } }", token=me.token))
    assert after["me"] == {"avatar": None, "imagineMe": []}


def test_someone_elses_sticker_cannot_be_deleted(accounts: AccountsService) -> None:
    me, other = sign_up(accounts.url), sign_up(accounts.url)
    sticker = ok(
        accounts.gql('mutation { createSticker(prompt: "mine") { id } }', token=other.token)
    )
    before = accounts.counts()
    response = accounts.gql(
        "mutation($id: ID!) { deleteSticker(id: $id) }",
        {"id": sticker["createSticker"]["id"]},
        token=me.token,
    )
    assert codes(response) == ["NOT_FOUND"]
    assert accounts.counts() == before


@pytest.mark.parametrize(
    "mutation",
    [
        'mutation { createSticker(prompt: "%s") { id } }' % ("x" * 81),
        'mutation { createSticker(prompt: "  ") { id } }',
        'mutation { createImagineMe(prompt: "%s") { id } }' % ("x" * 501),
        'mutation { setAvatar(imageUrl: "javascript:alert(1)") { imageUrl } }',
        'mutation { setAvatar(imageUrl: "http://img.example/a.png") { imageUrl } }',
        'mutation { setAvatar(imageUrl: "https://169.254.169.254/latest/meta-data") { imageUrl } }',
        'mutation { setAvatar(imageUrl: "https://127.0.0.1/a.png") { imageUrl } }',
        'mutation { setAvatar(imageUrl: "https://[::1]/a.png") { imageUrl } }',
        'mutation { setAvatar(imageUrl: "https://10.1.2.3/a.png") { imageUrl } }',
        'mutation { setAvatar(imageUrl: "https://192.168.0.10/a.png") { imageUrl } }',
        'mutation { setAvatar(imageUrl: "https://localhost/a.png") { imageUrl } }',
        'mutation { setAvatar(imageUrl: "https://printer.local/a.png") { imageUrl } }',
        'mutation { setAvatar(imageUrl: "https://me:secret@img.example/a.png") { imageUrl } }',
        'mutation { setAvatar(imageUrl: "https://img.example:99999/a.png") { imageUrl } }',
        'mutation { deleteSticker(id: "nope") }',
        'mutation { deleteImagineMe(id: "nope") }',
        "{ me { stickers(first: 1000) { id } } }",
    ],
)
def test_bad_asset_input_is_bad_user_input(accounts: AccountsService, mutation: str) -> None:
    me = sign_up(accounts.url)
    before = accounts.counts()
    assert codes(accounts.gql(mutation, token=me.token)) == ["BAD_USER_INPUT"]
    assert accounts.counts() == before
