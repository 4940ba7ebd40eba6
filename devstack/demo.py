"""Load the demo world through the subgraphs' public GraphQL APIs, idempotently.

Each step first reads what exists and only then writes what is missing, so `make run` can load
the world into a database that already holds it (or half of it) without duplicates: an existing
email signs in instead of signing up, profiles are looked up before they are registered, links,
routes, stickers and the avatar are compared with what is there, and a status is posted only when
no live status has its text (statuses expire after 24 hours, so a later run posts them again).
Nothing here touches the database directly: the subgraphs enforce their own rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from devstack.demo_people import DEMO_PEOPLE, DEMO_PERSON, DemoPerson
from devstack.graphql_client import GraphQLError, post_graphql, require_data

__all__ = ["DEMO_PEOPLE", "DEMO_PERSON", "Session", "load_demo_world", "load_person", "sign_in"]

SIGN_UP = """
mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token person { id } } }
"""
SIGN_IN = """
mutation SignIn($email: String!, $password: String!) {
  signIn(email: $email, password: $password) { token person { id } }
}
"""
ACCOUNTS_STATE = """
query DemoState {
  me {
    linking { enabled linkedAccounts { platform accountId } }
    sharing { route chosen }
    stickers(first: 100) { label }
    avatar { imageUrl }
  }
}
"""
PROFILE_STATE = """
query DemoProfile($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Person { %(field)s { id %(extra)s } } }
}
"""
REGISTER = {
    "WHATSAPP": """
mutation Register($phone: String!, $business: Boolean!, $name: String) {
  registerWhatsAppAccount(phoneNumber: $phone, isBusiness: $business, businessName: $name) { id }
}""",
    "FACEBOOK": "mutation Register($name: String!) { registerFacebookProfile(name: $name) { id } }",
    "INSTAGRAM": """
mutation Register($name: String!) { registerInstagramProfile(username: $name) { id } }""",
}
LINK_PROOF = "mutation Proof($id: ID!) { %s(accountId: $id) { code } }"
PROOF_MUTATION = {
    "WHATSAPP": "createWhatsAppLinkProof",
    "FACEBOOK": "createFacebookLinkProof",
    "INSTAGRAM": "createInstagramLinkProof",
}
LINK = """
mutation Link($platform: Platform!, $id: ID!, $code: String!) {
  linkAccount(platform: $platform, accountId: $id, proofCode: $code) { platform }
}
"""
ENABLE_LINKING = "mutation { setLinkingEnabled(enabled: true) { enabled } }"
ROUTE = """
mutation Route($route: SharingRoute!) {
  setSharingPreference(route: $route, enabled: true) { enabled }
}
"""
ROUTE_NAME = {
    "FACEBOOK": "WHATSAPP_STATUS_TO_FACEBOOK_STORY",
    "INSTAGRAM": "WHATSAPP_STATUS_TO_INSTAGRAM_STORY",
}
STICKER = "mutation Sticker($prompt: String!) { createSticker(prompt: $prompt) { id } }"
AVATAR = "mutation Avatar($url: String!) { setAvatar(imageUrl: $url) { imageUrl } }"
PHOTO = "mutation Photo($url: String) { %s(imageUrl: $url) { id } }"
PHOTO_MUTATION = {
    "WHATSAPP": "setWhatsAppProfilePhoto",
    "FACEBOOK": "setFacebookProfilePhoto",
    "INSTAGRAM": "setInstagramProfilePhoto",
}
POST_STATUS = """
mutation Post($text: String!, $crossPost: Boolean!) {
  postStatus(text: $text, crossPost: $crossPost) { status { id } pending failed }
}
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Session:
    """A signed-in demo person: the token to send and the person's id."""

    email: str
    token: str
    person_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class _Ctx:
    urls: Mapping[str, str]  # subgraph name -> its /graphql URL
    session: Session

    def call(self, subgraph: str, query: str, variables: dict[str, Any], what: str) -> Any:
        response = post_graphql(self.urls[subgraph], query, variables, token=self.session.token)
        return require_data(response, f"{self.session.email}: {what}")


def sign_in(url: str, email: str, password: str) -> str:
    """Sign in at `url` (the accounts subgraph or the gateway) and return the token."""
    response = post_graphql(url, SIGN_IN, {"email": email, "password": password})
    return str(require_data(response, f"sign in as {email}")["signIn"]["token"])


def _session(accounts_url: str, person: DemoPerson) -> Session:
    """Sign up, or sign in when the email already has an Accounts Center."""
    sign_up = {
        "email": person.email,
        "password": person.password,
        "displayName": person.display_name,
        "region": person.region,
    }
    response = post_graphql(accounts_url, SIGN_UP, {"input": sign_up})
    try:
        payload = require_data(response, f"sign up {person.email}")["signUp"]
    except GraphQLError as exc:
        if "CONFLICT" not in exc.codes:
            raise
        response = post_graphql(
            accounts_url, SIGN_IN, {"email": person.email, "password": person.password}
        )
        payload = require_data(response, f"sign in {person.email}")["signIn"]
    return Session(email=person.email, token=payload["token"], person_id=payload["person"]["id"])


def _profile(ctx: _Ctx, platform: str, extra: str = "") -> dict[str, Any] | None:
    """The person's own account on `platform`, read through `_entities`, or None."""
    field = platform.lower()
    query = PROFILE_STATE % {"field": field, "extra": extra}
    reps = [{"__typename": "Person", "id": ctx.session.person_id}]
    data = ctx.call(field, query, {"reps": reps}, f"read {field} profile")
    entity = data["_entities"][0] or {}
    found: dict[str, Any] | None = entity.get(field)
    return found


def _ensure_profile(ctx: _Ctx, person: DemoPerson, platform: str) -> str:
    """The id of the person's account on `platform`, registering it when missing."""
    existing = _profile(ctx, platform)
    if existing is not None:
        return str(existing["id"])
    variables: dict[str, Any]
    if platform == "WHATSAPP":
        name = person.display_name if person.business else None
        variables = {"phone": person.phone_number, "business": person.business, "name": name}
    elif platform == "FACEBOOK":
        variables = {"name": person.facebook_name}
    else:
        variables = {"name": person.instagram_username}
    data = ctx.call(platform.lower(), REGISTER[platform], variables, f"register {platform}")
    return str(next(iter(data.values()))["id"])


def _platform_accounts(ctx: _Ctx, person: DemoPerson) -> dict[str, str]:
    accounts = {"WHATSAPP": _ensure_profile(ctx, person, "WHATSAPP")}
    if person.facebook_name:
        accounts["FACEBOOK"] = _ensure_profile(ctx, person, "FACEBOOK")
    if person.instagram_username:
        accounts["INSTAGRAM"] = _ensure_profile(ctx, person, "INSTAGRAM")
    return accounts


def _ensure_links(
    ctx: _Ctx, person: DemoPerson, me: dict[str, Any], accounts: Mapping[str, str]
) -> None:
    linking = me.get("linking") or {}
    if person.linking_enabled and not linking.get("enabled"):
        ctx.call("accounts", ENABLE_LINKING, {}, "enable linking")
    linked = {link["platform"] for link in linking.get("linkedAccounts") or []}
    for platform in person.linked:
        if platform in linked:
            continue
        account_id = accounts[platform]
        proof = ctx.call(
            platform.lower(), LINK_PROOF % PROOF_MUTATION[platform], {"id": account_id}, "proof"
        )
        code = next(iter(proof.values()))["code"]
        variables = {"platform": platform, "id": account_id, "code": code}
        ctx.call("accounts", LINK, variables, f"link {platform}")
    chosen = {p["route"] for p in me.get("sharing") or [] if p.get("chosen")}
    for platform in person.routes:
        if ROUTE_NAME[platform] not in chosen:
            ctx.call("accounts", ROUTE, {"route": ROUTE_NAME[platform]}, f"route {platform}")


def _ensure_assets(ctx: _Ctx, person: DemoPerson, me: dict[str, Any]) -> None:
    labels = {sticker["label"] for sticker in me.get("stickers") or []}
    for prompt in person.stickers:
        if prompt not in labels:
            ctx.call("accounts", STICKER, {"prompt": prompt}, f"sticker {prompt!r}")
    current = (me.get("avatar") or {}).get("imageUrl")
    if person.avatar_url and current != person.avatar_url:
        ctx.call("accounts", AVATAR, {"url": person.avatar_url}, "avatar")


def _ensure_photos(ctx: _Ctx, person: DemoPerson) -> None:
    """Each platform account's own profile photo (shown there while it is not linked)."""
    for platform, url in person.profile_photos:
        current = (_profile(ctx, platform, "photoUrl") or {}).get("photoUrl")
        if current != url:
            mutation = PHOTO % PHOTO_MUTATION[platform]
            ctx.call(platform.lower(), mutation, {"url": url}, f"{platform} profile photo")


def _ensure_statuses(ctx: _Ctx, person: DemoPerson) -> None:
    account = _profile(ctx, "WHATSAPP", "statuses { text }") or {}
    live = {status["text"] for status in account.get("statuses") or []}
    for status in person.statuses:
        if status.text in live:
            continue
        variables = {"text": status.text, "crossPost": status.cross_post}
        ctx.call("whatsapp", POST_STATUS, variables, f"post status {status.text!r}")


def load_person(urls: Mapping[str, str], person: DemoPerson) -> Session:
    """Make sure one person and everything they own exists; return their session."""
    session = _session(urls["accounts"], person)
    ctx = _Ctx(urls=urls, session=session)
    accounts = _platform_accounts(ctx, person)
    me = ctx.call("accounts", ACCOUNTS_STATE, {}, "read Accounts Center")["me"]
    _ensure_links(ctx, person, me, accounts)
    _ensure_assets(ctx, person, me)
    _ensure_photos(ctx, person)
    _ensure_statuses(ctx, person)
    return session


def load_demo_world(urls: Mapping[str, str]) -> dict[str, Session]:
    """Load every demo person; `urls` maps each subgraph name to its `/graphql` URL."""
    return {person.email: load_person(urls, person) for person in DEMO_PEOPLE}
