"""Linking a platform account to a person, unlinking it, and who a status may be shared to.

Proof of ownership: the person signs in (single sign-on) to the platform and calls its
`createLinkProof` mutation for an account they own there; the platform stores a hash of a
one-time code bound to (account, person) and shows the code once. The person passes the code to
`linkAccount`. Accounts asks the platform `POST /internal/link-proofs/verify {accountId, personId,
code}`; the platform answers `{"valid": true}` once, only for a live code issued to that person
for that account, and deletes it. So a stolen account id is useless without a code its owner
produced, and a code cannot be replayed.

Checks run cheapest and side-effect-free first (input, region, linking switched on, the caller's
own link on that platform): these depend only on the caller's own data, never on `accountId`.
Everything that depends on the account (whether it exists, whose it is, whether it is linked
already) is answered only after its proof: without a valid proof every account id gets the same
FORBIDDEN, so `linkAccount` cannot be used to learn which accounts exist or are linked. The proof
is consumed by that check, so the one refusal after it (CONFLICT: the account got linked in the
meantime) costs the caller a new code; every refusal before it leaves both databases as they
were. The unique indexes are the final word if two requests race.

Sharing targets: a WhatsApp Status goes to Facebook or Instagram only while linking is on, the
person's region is rolled out (a rollout can be withdrawn), the person's WhatsApp account and
the target account are both linked to them, and the route is on. `links_paused`, `route_paused`
and `route_shares` are that rule; the graph's `LinkedAccount.active` and
`SharingPreference.enabled` are computed by the same functions, so they say what happens.
Turning linking off pauses: links and route choices are kept (shown inactive, with
`pausedReason: LINKING_OFF`) and work again as they were when linking is turned back on.
Unlinking deletes the link and switches off the routes that used it, so sharing stops at once
(and a later re-link does not silently resume it); the platforms' own data is not touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bson import ObjectId

from subgraphs.accounts.records import (
    LinkRecord,
    PausedReason,
    PersonRecord,
    Platform,
    SharingRoute,
    utc_now,
)
from subgraphs.accounts.repository import AccountsRepository
from subgraphs.common.context import Services
from subgraphs.common.errors import AppError, ErrorCode, bad_input, conflict, forbidden, not_found
from subgraphs.common.internal import InternalCallError, call_internal

__all__ = [
    "crosspost_targets",
    "link_account",
    "links_paused",
    "require_linking_available",
    "route_paused",
    "route_shares",
    "unlink_account",
]

VERIFY_PATH = "/internal/link-proofs/verify"


def require_linking_available(person: PersonRecord, regions: frozenset[str]) -> None:
    """NOT_AVAILABLE_IN_REGION outside a rolled-out region."""
    if person.region not in regions:
        raise AppError(
            ErrorCode.NOT_AVAILABLE_IN_REGION,
            f"Linking accounts is not available in {person.region} yet.",
            region=person.region,
        )


async def _check_can_link(
    repository: AccountsRepository, person: PersonRecord, platform: Platform
) -> None:
    """What the caller's own settings and links allow; nothing here depends on `account_id`."""
    if not person.linking_enabled:
        raise AppError(
            ErrorCode.FORBIDDEN,
            "Turn on linking in Accounts Center first.",
            reason="LINKING_DISABLED",
        )
    mine = await repository.links_for_people([ObjectId(person.id)])
    if any(link.platform is platform for link in mine):
        raise conflict(f"A {platform.value} account is already linked; unlink it first.")


async def _proof_valid(
    services: Services[Any], platform: Platform, account_id: str, person_id: str, code: str
) -> bool:
    settings = services.settings
    payload = {"accountId": account_id, "personId": person_id, "code": code}
    try:
        answer = await call_internal(
            services.http,
            settings.service_url(platform.value.lower()),
            VERIFY_PATH,
            payload,
            settings.internal_token,
        )
    except InternalCallError as exc:
        raise AppError(
            ErrorCode.SERVICE_UNAVAILABLE,
            f"{platform.value} cannot confirm the proof right now; try again.",
        ) from exc
    return answer.get("valid") is True


async def link_account(
    services: Services[Any],
    repository: AccountsRepository,
    person: PersonRecord,
    platform: Platform,
    account_id: str,
    proof_code: str,
) -> LinkRecord:
    """Link `account_id` on `platform` to `person`, if they proved they own it."""
    require_linking_available(person, services.settings.regions_rolled_out)
    await _check_can_link(repository, person, platform)
    if not await _proof_valid(services, platform, account_id, person.id, proof_code):
        raise forbidden(
            f"The proof code does not prove you own that {platform.value} account "
            "(it is wrong, used, expired or for another account)."
        )
    if await repository.link_of_account(platform, account_id) is not None:
        raise conflict(f"That {platform.value} account is already linked to an Accounts Center.")
    linked_at = utc_now()
    if not await repository.insert_link(ObjectId(person.id), platform, account_id, linked_at):
        raise conflict("That account or platform was linked by another request just now.")
    return LinkRecord(
        person_id=person.id, platform=platform, account_id=account_id, linked_at=linked_at
    )


async def unlink_account(
    repository: AccountsRepository, person_id: str, platform: Platform
) -> LinkRecord:
    """Remove the link and switch off every route that used it."""
    removed = await repository.delete_link(ObjectId(person_id), platform)
    if removed is None:
        raise not_found(f"No {platform.value} account is linked.")
    routes = [route for route in SharingRoute if platform in (route.source, route.target)]
    await repository.disable_routes_to(ObjectId(person_id), routes)
    return removed


def require_route_linked(route: SharingRoute, links: list[LinkRecord]) -> None:
    """Sharing may be switched on only between accounts linked to the person."""
    linked = {link.platform for link in links}
    missing = [p.value for p in (route.source, route.target) if p not in linked]
    if missing:
        raise bad_input(
            f"Link your {' and '.join(missing)} account first to share this way.",
            argument="route",
            reason="NOT_LINKED",
        )


def links_paused(person: PersonRecord, regions: frozenset[str]) -> PausedReason | None:
    """Why none of `person`'s links works right now, or None when they all do."""
    if not person.linking_enabled:
        return PausedReason.LINKING_OFF
    if person.region not in regions:
        return PausedReason.NOT_AVAILABLE_IN_REGION
    return None


def route_paused(
    person: PersonRecord, route: SharingRoute, linked: Iterable[Platform], regions: frozenset[str]
) -> PausedReason | None:
    """Why `route` cannot share right now, whatever the person chose; None when it can."""
    reason = links_paused(person, regions)
    if reason is not None:
        return reason
    platforms = set(linked)
    if route.source not in platforms or route.target not in platforms:
        return PausedReason.NOT_LINKED
    return None


def route_shares(
    person: PersonRecord, route: SharingRoute, linked: Iterable[Platform], regions: frozenset[str]
) -> bool:
    """Whether a Status is shared along `route` right now: chosen and not paused.

    The one rule behind both `Person.sharing` and the cross-post targets, so what the graph
    shows is what WhatsApp does.
    """
    return person.sharing.get(route, False) and route_paused(person, route, linked, regions) is None


async def crosspost_targets(
    repository: AccountsRepository, person_id: str, regions: frozenset[str]
) -> list[dict[str, str]]:
    """Accounts a WhatsApp Status of `person_id` may be cross-posted to, right now."""
    if not ObjectId.is_valid(person_id):
        return []
    oid = ObjectId(person_id)
    people = await repository.people_by_ids([oid])
    if not people:
        return []
    links = {link.platform: link for link in await repository.links_for_people([oid])}
    return [
        {"platform": route.target.value, "accountId": links[route.target].account_id}
        for route in SharingRoute
        if route_shares(people[0], route, links, regions)
    ]
