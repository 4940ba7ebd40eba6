"""What WhatsApp's mutations do: register an account, issue a link proof, post a Status.

Every check runs before the first write, so a refused call leaves the database unchanged.

Posting with cross-posting is one mutation. Targets come from Accounts Center
(`/internal/crosspost-targets`: linked AND route enabled). With `crossPost: true` and no
`targets`, the Status goes to every allowed target (the person's preferences decide). With
explicit `targets`, each must be allowed; if any is not, the whole mutation is refused with
FORBIDDEN (`extensions.refused` lists them) and nothing is written: sharing somewhere the
person did not link or enable is never silently dropped or silently done. If Accounts Center
cannot answer, a cross-posting Status is refused with SERVICE_UNAVAILABLE rather than posted
against unknown preferences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from subgraphs.common.auth import require_viewer
from subgraphs.common.context import RequestContext
from subgraphs.common.errors import AppError, ErrorCode, bad_input, conflict, not_found
from subgraphs.common.internal import InternalCallError
from subgraphs.common.link_proofs import IssuedProof
from subgraphs.common.ownership import load_owned
from subgraphs.common.story_actions import check_text
from subgraphs.whatsapp.delivery import (
    INLINE_ATTEMPT_TIMEOUT,
    DeliveryPolicy,
    allowed_targets,
    deliver_status,
    next_due,
)
from subgraphs.whatsapp.events import announce_posted, announce_settled
from subgraphs.whatsapp.loaders import WhatsAppLoaders
from subgraphs.whatsapp.records import AccountRecord, CrossPostRecord, DeliveryState, StatusRecord
from subgraphs.whatsapp.repository import DuplicateError, WhatsAppRepository

__all__ = [
    "MAX_STATUS_TEXT",
    "issue_link_proof",
    "post_status",
    "register_account",
]

Context = RequestContext[WhatsAppRepository, WhatsAppLoaders]

MAX_STATUS_TEXT = 700
MAX_BUSINESS_NAME = 100
PHONE_NUMBER = re.compile(r"\+[1-9][0-9]{6,14}")  # E.164
SHAREABLE = ("FACEBOOK", "INSTAGRAM")
INLINE_CLAIM = timedelta(seconds=30)
POLICY = DeliveryPolicy.from_env()


def _check_phone(raw: str) -> str:
    phone = re.sub(r"[ ()-]", "", raw.strip())
    if PHONE_NUMBER.fullmatch(phone) is None:
        raise bad_input(
            "'phoneNumber' must be in international format, like +447700900001.",
            argument="phoneNumber",
        )
    return phone


def _check_business(is_business: bool, business_name: str | None) -> str | None:
    if not is_business:
        if business_name is not None:
            raise bad_input(
                "'businessName' is only for Business accounts.", argument="businessName"
            )
        return None
    if business_name is None:
        raise bad_input("A Business account needs a 'businessName'.", argument="businessName")
    return check_text(business_name, "businessName", MAX_BUSINESS_NAME)


async def register_account(
    context: Context, phone_number: str, is_business: bool, business_name: str | None
) -> AccountRecord:
    """The caller's one WhatsApp account; CONFLICT if they or the number have one."""
    viewer = await require_viewer(context)
    phone = _check_phone(phone_number)
    name = _check_business(is_business, business_name)
    try:
        return await context.repository.register_account(viewer.person_id, phone, name)
    except DuplicateError as exc:
        if exc.field == "owner":
            raise conflict("You already have a WhatsApp account.") from exc
        raise conflict("That phone number is registered to another account.") from exc


async def issue_link_proof(context: Context, account_id: str) -> IssuedProof:
    """A one-time code for the owner of `account_id` (NOT_FOUND for anyone else, as if missing)."""
    account = await load_owned(context, context.loaders.profile_by_id.load, account_id, "accountId")
    if account is None:
        raise not_found("You have no WhatsApp account with that id.")
    return await context.repository.link_proofs.issue(account.id, account.owner_id)


def _requested(cross_post: bool, targets: Sequence[str] | None) -> tuple[str, ...] | None:
    """The platforms asked for explicitly (None: whatever the preferences allow)."""
    if targets is None:
        return None
    if not cross_post:
        raise bad_input("'targets' needs 'crossPost: true'.", argument="targets")
    unknown = [platform for platform in targets if platform not in SHAREABLE]
    if unknown:
        raise bad_input(
            "A Status can be shared to FACEBOOK and INSTAGRAM only.", argument="targets"
        )
    return tuple(dict.fromkeys(targets))


async def _choose_targets(
    context: Context, person_id: str, cross_post: bool, requested: tuple[str, ...] | None
) -> list[CrossPostRecord]:
    if not cross_post or requested == ():
        return []
    try:
        allowed = await allowed_targets(context.services.http, context.settings, person_id)
    except InternalCallError as exc:
        raise AppError(
            ErrorCode.SERVICE_UNAVAILABLE,
            "Cannot check your sharing settings now; try again, or post without crossPost.",
        ) from exc
    refused = [platform for platform in requested or () if platform not in allowed]
    if refused:
        raise AppError(
            ErrorCode.FORBIDDEN,
            "Sharing needs a linked account and the sharing route turned on in Accounts Center: "
            + ", ".join(refused),
            refused=refused,
        )
    chosen = requested if requested is not None else tuple(p for p in SHAREABLE if p in allowed)
    return [
        CrossPostRecord(platform=p, account_id=allowed[p], state=DeliveryState.PENDING)
        for p in chosen
    ]


async def _own_account(context: Context, person_id: str) -> AccountRecord:
    account = await context.loaders.profile_by_owner.load(person_id)
    if account is None:
        raise not_found("Register a WhatsApp account first.")
    return account


async def post_status(
    context: Context, text: str, cross_post: bool, targets: Sequence[str] | None
) -> StatusRecord:
    """Write the Status with its outbox entries, then try each target once right away.

    The in-line try is bounded well under a second (`INLINE_ATTEMPT_TIMEOUT`): a target that
    does not answer by then stays PENDING and the outbox worker delivers it later.
    """
    viewer = await require_viewer(context)
    checked = check_text(text, "text", MAX_STATUS_TEXT)
    requested = _requested(cross_post, targets)
    account = await _own_account(context, viewer.person_id)
    entries = await _choose_targets(context, viewer.person_id, cross_post, requested)
    claim = datetime.now(UTC) + INLINE_CLAIM
    status = await context.repository.insert_status(account, checked, entries, claim)
    if not entries:
        return await _announced(context, status)
    settled = await deliver_status(
        context.services.http,
        context.settings,
        status,
        POLICY,
        None,
        per_attempt=INLINE_ATTEMPT_TIMEOUT,
    )
    saved = await context.repository.save_delivery(status, settled, next_due(settled))
    await announce_settled(context.services.events, status.cross_posts, saved)
    return await _announced(context, saved or status)


async def _announced(context: Context, status: StatusRecord) -> StatusRecord:
    """`status` once its owner's `statusPosted` streams have been told (after the in-line
    delivery try, so the event shows where it was shared)."""
    await announce_posted(context.services.events, status)
    return status
