"""Linking with proof of ownership, against the real platform subgraphs over HTTP.

All four subgraphs run as processes sharing one internal token (so this module can also call
accounts' internal crosspost-targets route, as WhatsApp does). A person proves they own a
platform account with the one-time code from that platform's `create<Platform>LinkProof`.
"""

from __future__ import annotations

import random
import re
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devstack.database import drop_prefixed, new_prefix
from devstack.graphql_client import GraphQLResponse, post_graphql
from devstack.processes import Service, free_port, start_service
from devstack.stack import start_subgraphs, stop_all, subgraph_env
from tests.subgraphs.accounts.accounts_support import (
    AccountsService,
    SignedIn,
    codes,
    http_json,
    ok,
    sign_up,
)

pytestmark = pytest.mark.integration

LINK = """
mutation($platform: Platform!, $account: ID!, $code: String!) {
  linkAccount(platform: $platform, accountId: $account, proofCode: $code) {
    platform accountId linkedAt
  }
}
"""
SHARE = """
mutation($route: SharingRoute!, $on: Boolean!) {
  setSharingPreference(route: $route, enabled: $on) { route enabled }
}
"""
REGISTER = {
    "FACEBOOK": ("mutation($h: String!) { registerFacebookProfile(name: $h) { id } }", "name"),
    "INSTAGRAM": (
        "mutation($h: String!) { registerInstagramProfile(username: $h) { id } }",
        "username",
    ),
    "WHATSAPP": (
        "mutation($h: String!) { registerWhatsAppAccount(phoneNumber: $h) { id } }",
        "phoneNumber",
    ),
}
PROOF = {
    "FACEBOOK": "createFacebookLinkProof",
    "INSTAGRAM": "createInstagramLinkProof",
    "WHATSAPP": "createWhatsAppLinkProof",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Stack:
    services: dict[str, Service]
    accounts: AccountsService

    def platform(
        self, name: str, query: str, variables: dict[str, Any], token: str
    ) -> GraphQLResponse:
        return post_graphql(f"{self.services[name].url}/graphql", query, variables, token=token)

    def register(self, platform: str, person: SignedIn) -> str:
        """The new platform account of `person`, registered on that platform."""
        query, _ = REGISTER[platform]
        handle = {
            "FACEBOOK": "Test Person",
            "INSTAGRAM": f"tp_{secrets.token_hex(6)}",
            "WHATSAPP": f"+4477{random.randrange(10**8, 10**9)}",
        }[platform]
        data = ok(self.platform(platform.lower(), query, {"h": handle}, person.token))
        return str(next(iter(data.values()))["id"])

    def proof(self, platform: str, person: SignedIn, account_id: str) -> str:
        field = PROOF[platform]
        query = f"mutation($a: ID!) {{ {field}(accountId: $a) {{ code }} }}"
        data = ok(self.platform(platform.lower(), query, {"a": account_id}, person.token))
        return str(data[field]["code"])

    def link(self, person: SignedIn, platform: str, account_id: str, code: str) -> GraphQLResponse:
        variables = {"platform": platform, "account": account_id, "code": code}
        return self.accounts.gql(LINK, variables, token=person.token)

    def targets(self, person: SignedIn) -> list[dict[str, str]]:
        status, body = self.accounts.internal(
            "/internal/crosspost-targets", {"personId": person.person_id}
        )
        assert status == 200, body
        return list(body["targets"])


@pytest.fixture(scope="module")
def stack(
    mongodb_uri: str, test_output_root: Path, request: pytest.FixtureRequest
) -> Iterator[Stack]:
    prefix, token = new_prefix(), secrets.token_urlsafe(24)
    log_dir = test_output_root / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.path.stem)
    services = start_subgraphs(mongodb_uri, prefix, log_dir, internal_token=token)
    try:
        accounts = AccountsService(
            url=services["accounts"].url,
            internal_token=token,
            mongodb_uri=mongodb_uri,
            prefix=prefix,
            pid=services["accounts"].pid,
        )
        yield Stack(services=services, accounts=accounts)
    finally:
        stop_all(services.values())
        drop_prefixed(mongodb_uri, prefix)


def _linking_on(stack: Stack, person: SignedIn) -> None:
    query = "mutation { setLinkingEnabled(enabled: true) { enabled } }"
    ok(stack.accounts.gql(query, token=person.token))


def test_link_with_a_valid_proof(stack: Stack) -> None:
    me = sign_up(stack.accounts.url)
    _linking_on(stack, me)
    account = stack.register("FACEBOOK", me)
    linked = ok(stack.link(me, "FACEBOOK", account, stack.proof("FACEBOOK", me, account)))
    assert linked["linkAccount"]["accountId"] == account
    data = ok(
        stack.accounts.gql(
            "{ me { linking { linkedAccounts { platform accountId } } } }", token=me.token
        )
    )
    assert data["me"]["linking"]["linkedAccounts"] == [
        {"platform": "FACEBOOK", "accountId": account}
    ]


def test_wrong_or_reused_proof_is_forbidden(stack: Stack) -> None:
    me = sign_up(stack.accounts.url)
    _linking_on(stack, me)
    account = stack.register("INSTAGRAM", me)
    code = stack.proof("INSTAGRAM", me, account)
    before = stack.accounts.counts()
    assert codes(stack.link(me, "INSTAGRAM", account, "WRONGCODE2")) == ["FORBIDDEN"]
    assert stack.accounts.counts() == before
    ok(stack.link(me, "INSTAGRAM", account, code))
    ok(stack.accounts.gql("mutation { unlinkAccount(platform: INSTAGRAM) }", token=me.token))
    before = stack.accounts.counts()
    assert codes(stack.link(me, "INSTAGRAM", account, code)) == ["FORBIDDEN"]  # used once
    assert stack.accounts.counts() == before


def test_missing_proof_is_bad_user_input(stack: Stack) -> None:
    me = sign_up(stack.accounts.url)
    _linking_on(stack, me)
    account = stack.register("FACEBOOK", me)
    assert codes(stack.link(me, "FACEBOOK", account, "")) == ["BAD_USER_INPUT"]
    missing = stack.accounts.gql(
        "mutation($a: ID!) { linkAccount(platform: FACEBOOK, accountId: $a) { platform } }",
        {"a": account},
        token=me.token,
    )
    assert codes(missing) == ["GRAPHQL_VALIDATION_FAILED"]


def test_someone_elses_account_is_forbidden(stack: Stack) -> None:
    me, owner = sign_up(stack.accounts.url), sign_up(stack.accounts.url)
    _linking_on(stack, me)
    account = stack.register("FACEBOOK", owner)
    owners_code = stack.proof("FACEBOOK", owner, account)
    before = stack.accounts.counts()
    assert codes(stack.link(me, "FACEBOOK", account, owners_code)) == ["FORBIDDEN"]
    assert stack.accounts.counts() == before
    # The owner alone can still link it.
    _linking_on(stack, owner)
    ok(stack.link(owner, "FACEBOOK", account, stack.proof("FACEBOOK", owner, account)))


def test_whether_an_account_is_linked_is_told_only_to_its_prover(stack: Stack) -> None:
    """Without a valid proof, a linked account and an unlinked one get the same FORBIDDEN."""
    me, owner = sign_up(stack.accounts.url), sign_up(stack.accounts.url)
    _linking_on(stack, me)
    _linking_on(stack, owner)
    linked = stack.register("FACEBOOK", owner)
    ok(stack.link(owner, "FACEBOOK", linked, stack.proof("FACEBOOK", owner, linked)))
    unlinked = stack.register("FACEBOOK", sign_up(stack.accounts.url))

    def answer(account: str) -> tuple[list[str], Any]:
        response = stack.link(me, "FACEBOOK", account, "WRONGCODE2")
        return codes(response), [error["message"] for error in response.body["errors"]]

    assert answer(linked) == answer(unlinked)
    assert answer(linked)[0] == ["FORBIDDEN"]


def test_linking_twice_is_a_conflict(stack: Stack) -> None:
    me = sign_up(stack.accounts.url)
    _linking_on(stack, me)
    account = stack.register("FACEBOOK", me)
    ok(stack.link(me, "FACEBOOK", account, stack.proof("FACEBOOK", me, account)))
    code = stack.proof("FACEBOOK", me, account)
    before = stack.accounts.counts()
    assert codes(stack.link(me, "FACEBOOK", account, code)) == ["CONFLICT"]
    assert stack.accounts.counts() == before


def test_sharing_follows_links_and_preferences_and_stops_on_unlink(stack: Stack) -> None:
    me = sign_up(stack.accounts.url)
    _linking_on(stack, me)
    accounts = {p: stack.register(p, me) for p in ("WHATSAPP", "FACEBOOK", "INSTAGRAM")}
    for platform, account in accounts.items():
        ok(stack.link(me, platform, account, stack.proof(platform, me, account)))
    assert stack.targets(me) == []  # routes are off by default
    route = {"route": "WHATSAPP_STATUS_TO_FACEBOOK_STORY", "on": True}
    ok(stack.accounts.gql(SHARE, route, token=me.token))
    assert stack.targets(me) == [{"platform": "FACEBOOK", "accountId": accounts["FACEBOOK"]}]

    ok(
        stack.accounts.gql(
            "mutation { setLinkingEnabled(enabled: false) { enabled } }", token=me.token
        )
    )
    assert stack.targets(me) == []
    _linking_on(stack, me)
    assert stack.targets(me) == [{"platform": "FACEBOOK", "accountId": accounts["FACEBOOK"]}]

    ok(stack.accounts.gql("mutation { unlinkAccount(platform: FACEBOOK) }", token=me.token))
    assert stack.targets(me) == []
    sharing = ok(stack.accounts.gql("{ me { sharing { route enabled } } }", token=me.token))
    assert {"route": "WHATSAPP_STATUS_TO_FACEBOOK_STORY", "enabled": False} in sharing["me"][
        "sharing"
    ]
    # The Facebook profile itself is untouched by unlinking.
    profile = stack.platform(
        "facebook",
        "query($r: [_Any!]!) {"
        " _entities(representations: $r) { ... on Person { facebook { id } } } }",
        {"r": [{"__typename": "Person", "id": me.person_id}]},
        me.token,
    )
    assert ok(profile)["_entities"] == [{"facebook": {"id": accounts["FACEBOOK"]}}]


def test_one_token_everywhere_until_sign_out(stack: Stack) -> None:
    """Single sign-on: the platforms verify accounts' tokens (JWKS) and its sign-outs."""
    me = sign_up(stack.accounts.url)
    stack.register("FACEBOOK", me)
    ok(stack.accounts.gql("mutation { signOut }", token=me.token))
    query, _ = REGISTER["INSTAGRAM"]
    refused = stack.platform("instagram", query, {"h": f"tp_{secrets.token_hex(6)}"}, me.token)
    assert codes(refused) == ["UNAUTHENTICATED"]
    forged = me.token[:-4] + ("AAAA" if not me.token.endswith("AAAA") else "BBBB")
    again = sign_up(stack.accounts.url)
    refused = stack.platform("facebook", REGISTER["FACEBOOK"][0], {"h": "X"}, forged)
    assert codes(refused) == ["UNAUTHENTICATED"]
    ok(stack.platform("facebook", REGISTER["FACEBOOK"][0], {"h": "Y"}, again.token))


def test_linking_cannot_be_turned_on_outside_the_rollout(stack: Stack) -> None:
    me = sign_up(stack.accounts.url, region="JP")
    query = "mutation($on: Boolean!) { setLinkingEnabled(enabled: $on) { enabled } }"
    refused = stack.accounts.gql(query, {"on": True}, token=me.token)
    assert codes(refused) == ["NOT_AVAILABLE_IN_REGION"]
    settings = ok(stack.accounts.gql("{ me { linking { enabled } } }", token=me.token))
    assert settings["me"]["linking"]["enabled"] is False
    assert ok(stack.accounts.gql(query, {"on": False}, token=me.token)) == {
        "setLinkingEnabled": {"enabled": False}
    }


def test_withdrawn_rollout_stops_sharing(stack: Stack, test_output_root: Path) -> None:
    me = sign_up(stack.accounts.url, region="EU")
    _linking_on(stack, me)
    for platform in ("WHATSAPP", "INSTAGRAM"):
        account = stack.register(platform, me)
        ok(stack.link(me, platform, account, stack.proof(platform, me, account)))
    route = {"route": "WHATSAPP_STATUS_TO_INSTAGRAM_STORY", "on": True}
    ok(stack.accounts.gql(SHARE, route, token=me.token))
    assert [t["platform"] for t in stack.targets(me)] == ["INSTAGRAM"]
    # A second accounts replica on the same data, started after EU was taken out of the rollout.
    port = free_port()
    ports = {name: service.port for name, service in stack.services.items()} | {"accounts": port}
    env = subgraph_env(
        "accounts",
        ports,
        stack.accounts.mongodb_uri,
        stack.accounts.prefix,
        stack.accounts.internal_token,
        "US",
    )
    replica = start_service(
        "accounts-us-only",
        [sys.executable, "-m", "subgraphs.accounts"],
        env,
        f"http://127.0.0.1:{port}/health",
        test_output_root / "accounts_linking" / "us-only.log",
        90.0,
        port=port,
    )
    try:
        status, body = http_json(
            f"{replica.url}/internal/crosspost-targets",
            {"personId": me.person_id},
            {"X-Internal-Token": stack.accounts.internal_token},
        )
        assert (status, body) == (200, {"targets": []})
    finally:
        replica.stop()


STATE = """{ me {
  linking { enabled linkedAccounts { platform active pausedReason } }
  sharing { route enabled chosen pausedReason }
} }"""
SWITCH = """mutation($on: Boolean!) { setLinkingEnabled(enabled: $on) {
  enabled linkedAccounts { platform active pausedReason }
} }"""
TO_FACEBOOK = "WHATSAPP_STATUS_TO_FACEBOOK_STORY"
TO_INSTAGRAM = "WHATSAPP_STATUS_TO_INSTAGRAM_STORY"


def _state(stack: Stack, me: SignedIn) -> tuple[dict[str, Any], dict[str, Any]]:
    """(linking, sharing by route) as the graph shows them to `me`."""
    data = ok(stack.accounts.gql(STATE, token=me.token))["me"]
    return data["linking"], {entry.pop("route"): entry for entry in data["sharing"]}


def _links(active: bool, reason: str | None) -> list[dict[str, Any]]:
    return [
        {"platform": platform, "active": active, "pausedReason": reason}
        for platform in ("WHATSAPP", "FACEBOOK")
    ]


def test_linking_off_pauses_links_and_routes_and_on_again_resumes_them(stack: Stack) -> None:
    """With linking off nothing is shared, and the graph says so; links and choices are kept."""
    me = sign_up(stack.accounts.url)
    _linking_on(stack, me)
    accounts = {p: stack.register(p, me) for p in ("WHATSAPP", "FACEBOOK")}
    for platform, account in accounts.items():
        ok(stack.link(me, platform, account, stack.proof(platform, me, account)))
    ok(stack.accounts.gql(SHARE, {"route": TO_FACEBOOK, "on": True}, token=me.token))
    sharing_now = {"enabled": True, "chosen": True, "pausedReason": None}
    instagram_unlinked = {"enabled": False, "chosen": False, "pausedReason": "NOT_LINKED"}
    linking, sharing = _state(stack, me)
    assert linking == {"enabled": True, "linkedAccounts": _links(True, None)}
    assert sharing == {TO_FACEBOOK: sharing_now, TO_INSTAGRAM: instagram_unlinked}
    to_facebook = [{"platform": "FACEBOOK", "accountId": accounts["FACEBOOK"]}]
    assert stack.targets(me) == to_facebook

    off = ok(stack.accounts.gql(SWITCH, {"on": False}, token=me.token))["setLinkingEnabled"]
    assert off == {"enabled": False, "linkedAccounts": _links(False, "LINKING_OFF")}
    paused = {"enabled": False, "chosen": True, "pausedReason": "LINKING_OFF"}
    linking, sharing = _state(stack, me)
    assert linking == off
    assert sharing[TO_FACEBOOK] == paused
    assert sharing[TO_INSTAGRAM]["pausedReason"] == "LINKING_OFF"
    assert stack.targets(me) == []
    again = ok(stack.accounts.gql(SHARE, {"route": TO_FACEBOOK, "on": True}, token=me.token))
    assert again["setSharingPreference"] == {"route": TO_FACEBOOK, "enabled": False}

    on = ok(stack.accounts.gql(SWITCH, {"on": True}, token=me.token))["setLinkingEnabled"]
    assert on == {"enabled": True, "linkedAccounts": _links(True, None)}
    assert _state(stack, me)[1][TO_FACEBOOK] == sharing_now
    assert stack.targets(me) == to_facebook
