"""Each platform profile shows the avatar and stickers it really would, through the gateway.

`avatar` and `stickers` on `WhatsAppAccount`, `FacebookProfile` and `InstagramProfile` come from
accounts, which `@requires` the platform's own photo: linked with the link active, a profile
shows the person's shared avatar and stickers; unlinked or paused, its own photo and none.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devstack.database import drop_prefixed, new_prefix
from devstack.graphql_client import post_graphql, require_data
from devstack.processes import Service, free_port
from devstack.stack import gateway_env, start_gateway, start_subgraphs, stop_all
from tests.subgraphs.accounts.accounts_support import http_json

pytestmark = pytest.mark.integration

SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"
AVATAR = "https://avatars.example.org/ada.png"
PHOTOS = {
    "WHATSAPP": "https://photos.example.org/wa.png",
    "FACEBOOK": "https://fb.example.net/p.jpg",
}
SHOWN = """{ me {
  whatsapp { avatar { imageUrl } stickers { label } }
  facebook { avatar { imageUrl } stickers { label } }
  instagram { avatar { imageUrl } stickers { label } }
} }"""
REGISTER = {
    "WHATSAPP": "mutation($h: String!) { registerWhatsAppAccount(phoneNumber: $h) { id } }",
    "FACEBOOK": "mutation($h: String!) { registerFacebookProfile(name: $h) { id } }",
    "INSTAGRAM": "mutation($h: String!) { registerInstagramProfile(username: $h) { id } }",
}
PHOTO = {
    "WHATSAPP": "setWhatsAppProfilePhoto",
    "FACEBOOK": "setFacebookProfilePhoto",
    "INSTAGRAM": "setInstagramProfilePhoto",
}
PROOF = {
    "WHATSAPP": "createWhatsAppLinkProof",
    "FACEBOOK": "createFacebookLinkProof",
    "INSTAGRAM": "createInstagramLinkProof",
}


@dataclass(frozen=True, slots=True)
class Stack:
    subgraphs: dict[str, Service]
    internal_token: str
    prefix: str

    def accounts_commands(self) -> dict[str, int]:
        """Database commands accounts has sent so far (its debug route)."""
        status, body = http_json(
            f"{self.subgraphs['accounts'].url}/internal/debug/commands",
            None,
            {"X-Internal-Token": self.internal_token},
        )
        assert status == 200, body
        counts: dict[str, int] = body["commands"].get(f"{self.prefix}_accounts", {})
        return counts


@pytest.fixture(scope="module")
def stack(mongodb_uri: str, test_output_root: Path) -> Iterator[Stack]:
    prefix, token = new_prefix(), secrets.token_urlsafe(24)
    log_dir = test_output_root / "accounts-profiles"
    services = start_subgraphs(mongodb_uri, prefix, log_dir, internal_token=token)
    try:
        yield Stack(services, token, prefix)
    finally:
        stop_all(services.values())
        drop_prefixed(mongodb_uri, prefix)


@pytest.fixture(scope="module")
def gateway(stack: Stack, test_output_root: Path) -> Iterator[str]:
    log = test_output_root / "accounts-profiles" / "gateway.log"
    env = {**gateway_env(stack.subgraphs), "GATEWAY_LOG_LEVEL": "warning"}
    service = start_gateway(SUPERGRAPH, free_port(), env, log)
    try:
        yield f"{service.url}/graphql"
    finally:
        service.stop()


def _data(url: str, query: str, token: str | None, **variables: Any) -> dict[str, Any]:
    return require_data(post_graphql(url, query, variables, token=token), query)


def _codes(url: str, query: str, token: str, **variables: Any) -> list[str]:
    response = post_graphql(url, query, variables, token=token)
    return [error["extensions"]["code"] for error in response.errors]


def _sign_up(url: str) -> str:
    sign_up = "mutation($i: SignUpInput!) { signUp(input: $i) { token } }"
    details = {
        "email": f"p-{uuid.uuid4().hex[:10]}@example.com",
        "password": "profiles-test-password",
        "displayName": "Ada",
        "region": "EU",
    }
    token: str = _data(url, sign_up, None, i=details)["signUp"]["token"]
    return token


def _register(url: str, token: str) -> dict[str, str]:
    handles = {
        "WHATSAPP": f"+4479{random.randrange(10**8, 10**9)}",
        "FACEBOOK": "Ada",
        "INSTAGRAM": f"ada_{uuid.uuid4().hex[:8]}",
    }
    ids = {}
    for platform, mutation in REGISTER.items():
        ids[platform] = next(iter(_data(url, mutation, token, h=handles[platform]).values()))["id"]
    return ids


def _link(url: str, token: str, platform: str, account: str) -> None:
    proof = f"mutation($a: ID!) {{ {PROOF[platform]}(accountId: $a) {{ code }} }}"
    code = _data(url, proof, token, a=account)[PROOF[platform]]["code"]
    link = (
        "mutation($p: Platform!, $a: ID!, $c: String!) {"
        " linkAccount(platform: $p, accountId: $a, proofCode: $c) { platform } }"
    )
    _data(url, link, token, p=platform, a=account, c=code)


def _shown(url: str, token: str) -> dict[str, tuple[str | None, list[str]]]:
    me = _data(url, SHOWN, token)["me"]
    return {
        platform.upper(): (
            None if me[platform]["avatar"] is None else me[platform]["avatar"]["imageUrl"],
            [sticker["label"] for sticker in me[platform]["stickers"]],
        )
        for platform in ("whatsapp", "facebook", "instagram")
    }


def _switch(url: str, token: str, on: bool) -> None:
    _data(
        url, "mutation($on: Boolean!) { setLinkingEnabled(enabled: $on) { enabled } }", token, on=on
    )


def test_profiles_show_the_linked_persons_assets_only_while_linked(gateway: str) -> None:
    token = _sign_up(gateway)
    ids = _register(gateway, token)
    for platform, url in PHOTOS.items():
        photo = f"mutation($u: String) {{ {PHOTO[platform]}(imageUrl: $u) {{ photoUrl }} }}"
        assert _data(gateway, photo, token, u=url)[PHOTO[platform]] == {"photoUrl": url}
    _data(
        gateway, "mutation($u: String!) { setAvatar(imageUrl: $u) { imageUrl } }", token, u=AVATAR
    )
    _data(gateway, 'mutation { createSticker(prompt: "a cat") { id } }', token)
    own: dict[str, tuple[str | None, list[Any]]] = {
        "WHATSAPP": (PHOTOS["WHATSAPP"], []),
        "FACEBOOK": (PHOTOS["FACEBOOK"], []),
        "INSTAGRAM": (None, []),
    }
    assert _shown(gateway, token) == own  # nothing linked: each platform's own photo

    _switch(gateway, token, True)
    _link(gateway, token, "WHATSAPP", ids["WHATSAPP"])
    _link(gateway, token, "FACEBOOK", ids["FACEBOOK"])
    shared = (AVATAR, ["a cat"])
    linked = {"WHATSAPP": shared, "FACEBOOK": shared, "INSTAGRAM": own["INSTAGRAM"]}
    assert _shown(gateway, token) == linked

    _switch(gateway, token, False)  # links paused: back to each platform's own
    assert _shown(gateway, token) == own
    _switch(gateway, token, True)
    assert _shown(gateway, token) == linked
    _data(gateway, "mutation { unlinkAccount(platform: FACEBOOK) }", token)
    assert _shown(gateway, token)["FACEBOOK"] == own["FACEBOOK"]


@pytest.mark.parametrize(
    "bad", ["http://photos.example.org/a.png", "https://127.0.0.1/a.png", "https://10.1.2.3/a.png"]
)
def test_a_profile_photo_url_is_checked_like_the_avatar(gateway: str, bad: str) -> None:
    token = _sign_up(gateway)
    _register(gateway, token)
    for platform, mutation in PHOTO.items():
        query = f"mutation($u: String) {{ {mutation}(imageUrl: $u) {{ photoUrl }} }}"
        assert _codes(gateway, query, token, u=bad) == ["BAD_USER_INPUT"], platform


def test_a_forged_representation_never_shows_another_persons_avatar(
    gateway: str, stack: Stack
) -> None:
    owner = _sign_up(gateway)
    ids = _register(gateway, owner)
    _data(
        gateway, "mutation($u: String!) { setAvatar(imageUrl: $u) { imageUrl } }", owner, u=AVATAR
    )
    _switch(gateway, owner, True)
    _link(gateway, owner, "FACEBOOK", ids["FACEBOOK"])
    entities = (
        "query($r: [_Any!]!) { _entities(representations: $r) {"
        " ... on FacebookProfile { avatar { imageUrl } stickers { label } } } }"
    )
    forged = {
        "__typename": "FacebookProfile",
        "id": ids["FACEBOOK"],
        "photoUrl": None,
        "photoUpdatedAt": None,
    }
    accounts = f"{stack.subgraphs['accounts'].url}/graphql"
    stranger = _sign_up(gateway)
    seen = _data(accounts, entities, stranger, r=[forged])["_entities"]
    assert seen == [{"avatar": None, "stickers": []}]
    mine = _data(accounts, entities, owner, r=[forged])["_entities"]
    assert mine == [{"avatar": {"imageUrl": AVATAR}, "stickers": []}]


def test_many_profiles_cost_accounts_the_same_queries_as_few(gateway: str, stack: Stack) -> None:
    """Links are looked up by one DataLoader: 30 more profiles add no database command."""
    token = _sign_up(gateway)
    ids = _register(gateway, token)
    _switch(gateway, token, True)
    for platform in ("WHATSAPP", "FACEBOOK"):
        _link(gateway, token, platform, ids[platform])
    entities = (
        "query($r: [_Any!]!) { _entities(representations: $r) {"
        " ... on WhatsAppAccount { avatar { imageUrl } stickers { label } }"
        " ... on FacebookProfile { avatar { imageUrl } stickers { label } } } }"
    )
    mine = [
        {"__typename": "WhatsAppAccount", "id": ids["WHATSAPP"]},
        {"__typename": "FacebookProfile", "id": ids["FACEBOOK"]},
    ]
    unlinked = [{"__typename": "FacebookProfile", "id": uuid.uuid4().hex[:24]} for _ in range(30)]
    accounts = f"{stack.subgraphs['accounts'].url}/graphql"

    def cost(representations: list[dict[str, str]]) -> dict[str, int]:
        before = stack.accounts_commands()
        found = _data(accounts, entities, token, r=representations)["_entities"]
        assert len(found) == len(representations)
        after = stack.accounts_commands()
        return {name: n - before.get(name, 0) for name, n in after.items() if n != before.get(name)}

    few = cost(mine)
    assert few.get("find", 0) >= 1
    assert cost(mine + unlinked) == few
