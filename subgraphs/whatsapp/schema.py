"""WhatsApp's part of the graph: `Person.whatsapp`, accounts, Statuses and where they were shared.

Resolvers stay thin: entities load through the request's DataLoaders, every private field checks
the caller with `require_owner` (declared through `platform_nodes.OwnedFields`, which does it;
an account is the platform's profile and a Status its post, as the shared code names them), and
mutations call `actions`. Cross-posted Stories are owned by
Facebook and Instagram; here they are only stubs (`@key(resolvable: false)`) the gateway
completes from their own subgraph.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from subgraphs.common.context import RequestContext, caller_events
from subgraphs.common.ownership import owned_or_none
from subgraphs.common.platform_nodes import OwnedFields, PostNode, ProfileNode, profile_fields
from subgraphs.common.platform_types import LinkProof, Platform
from subgraphs.common.profile_photo import set_own_photo
from subgraphs.common.schema import (
    federation_schema,
    print_schema_sdl,
    resolver,
    subscription,
)
from subgraphs.common.scopes import SESSION_ONLY, STATUSES_READ, partner_readable
from subgraphs.whatsapp import actions
from subgraphs.whatsapp.events import CROSS_POST_SETTLED, STATUS_POSTED
from subgraphs.whatsapp.loaders import WhatsAppLoaders
from subgraphs.whatsapp.records import AccountRecord, CrossPostRecord, DeliveryState, StatusRecord
from subgraphs.whatsapp.repository import WhatsAppRepository

__all__ = ["print_sdl", "schema"]

Info = strawberry.Info[RequestContext[WhatsAppRepository, WhatsAppLoaders], None]


@strawberry.enum(description="Where one cross-post stands.")
class CrossPostState(Enum):
    PENDING = "PENDING"
    DONE = "DONE"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


@strawberry.interface(
    description=(
        "A Story a Status was shared as. An interface rather than a union, so a client can ask"
        " `story { id }` without naming each platform."
    )
)
class CrossPostedStory:
    id: strawberry.ID


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class FacebookStory(CrossPostedStory):
    id: strawberry.ID


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class InstagramStory(CrossPostedStory):
    id: strawberry.ID


@strawberry.type(description="One target a Status was shared to, and how far delivery got.")
class CrossPost:
    platform: Platform
    state: CrossPostState
    attempts: int
    updated_at: datetime | None

    story_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, record: CrossPostRecord) -> CrossPost:
        return cls(
            platform=Platform(record.platform),
            state=CrossPostState(record.state.value),
            attempts=record.attempts,
            updated_at=record.updated_at,
            story_id=record.story_id if record.state is DeliveryState.DONE else None,
        )

    @resolver(description="The Story on the target platform, once delivered.")
    def story(self) -> CrossPostedStory | None:
        if self.story_id is None:
            return None
        if self.platform is Platform.FACEBOOK:
            return FacebookStory(id=strawberry.ID(self.story_id))
        return InstagramStory(id=strawberry.ID(self.story_id))


@strawberry.federation.type(keys=["id"])
class Person:
    id: strawberry.ID

    @resolver(
        requires_scopes=partner_readable(STATUSES_READ),
        description="The caller's own WhatsApp account (FORBIDDEN for others).",
    )
    async def whatsapp(self, info: Info) -> WhatsAppAccount | None:
        return await WhatsAppAccount.of_person(info, self.id, STATUSES_READ)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Person:
        return cls(id=id)


ACCOUNT = OwnedFields(AccountRecord)
STATUS = OwnedFields(StatusRecord)


@strawberry.federation.type(keys=["id"], description="A WhatsApp account; private to its owner.")
class WhatsAppAccount(ProfileNode[AccountRecord, StatusRecord]):
    WHAT = "this account"
    phone_number: str = ACCOUNT.field(lambda account: account.phone_number)
    is_business: bool = ACCOUNT.field(lambda account: account.is_business)
    business_name: str | None = ACCOUNT.field(
        lambda account: account.business_name,
        description="The business's name (Business accounts only).",
    )
    created_at: datetime = ACCOUNT.field(lambda account: account.created_at)
    photo_url, photo_updated_at, person = profile_fields(Person, WHAT)

    @resolver(
        requires_scopes=partner_readable(STATUSES_READ),
        description="Statuses from the last 24 hours, newest first.",
    )
    async def statuses(self, info: Info) -> list[WhatsAppStatus]:
        return await self._posts(info, WhatsAppStatus.from_record, STATUSES_READ)


@strawberry.federation.type(keys=["id"], description="A Status update; gone after 24 hours.")
class WhatsAppStatus(PostNode[StatusRecord, AccountRecord]):
    WHAT = "this status"
    READ_SCOPE = STATUSES_READ
    text: str = STATUS.field(lambda status: status.text)
    created_at: datetime = STATUS.field(lambda status: status.created_at)
    expires_at: datetime = STATUS.field(lambda status: status.expires_at)
    shared_to: list[CrossPost] = STATUS.field(
        lambda status: [CrossPost.from_record(entry) for entry in status.cross_posts],
        description="Each platform this Status was shared to, and how far delivery got.",
    )

    @strawberry.field
    async def account(self, info: Info) -> WhatsAppAccount | None:
        return await self._profile(info, WhatsAppAccount.from_record)


@strawberry.type(description="The posted Status and which cross-posts are done or pending.")
class PostStatusPayload:
    status: WhatsAppStatus
    done: list[Platform]
    pending: list[Platform]
    failed: list[Platform]

    @classmethod
    def from_record(cls, record: StatusRecord) -> PostStatusPayload:
        def where(state: DeliveryState) -> list[Platform]:
            return [Platform(e.platform) for e in record.cross_posts if e.state is state]

        return cls(
            status=WhatsAppStatus.from_record(record),
            done=where(DeliveryState.DONE),
            pending=where(DeliveryState.PENDING),
            failed=where(DeliveryState.FAILED),
        )


@strawberry.type
class Mutation:
    @resolver(
        requires_scopes=SESSION_ONLY,
        description="Register the caller's WhatsApp account (one per person).",
    )
    async def register_whats_app_account(
        self,
        info: Info,
        phone_number: str,
        is_business: bool = False,
        business_name: str | None = None,
    ) -> WhatsAppAccount:
        record = await actions.register_account(
            info.context, phone_number, is_business, business_name
        )
        return WhatsAppAccount.from_record(record)

    @resolver(
        requires_scopes=SESSION_ONLY,
        description="Set (null: remove) the WhatsApp account's own photo, an https URL.",
    )
    async def set_whats_app_profile_photo(
        self, info: Info, image_url: str | None
    ) -> WhatsAppAccount:
        repository = info.context.repository
        record = await set_own_photo(
            info.context, repository.set_photo, image_url, "a WhatsApp account"
        )
        return WhatsAppAccount.from_record(record)

    @resolver(
        requires_scopes=SESSION_ONLY,
        description="A one-time code proving the caller owns this WhatsApp account.",
    )
    async def create_whats_app_link_proof(self, info: Info, account_id: strawberry.ID) -> LinkProof:
        issued = await actions.issue_link_proof(info.context, str(account_id))
        return LinkProof.from_issued(Platform.WHATSAPP, issued)

    @resolver(
        requires_scopes=SESSION_ONLY,
        description=(
            "Post a Status. With crossPost (the default) it is also shared as a Story to every "
            "platform Accounts Center allows (linked and route enabled), or to `targets` only, "
            "each of which must be allowed. Undelivered cross-posts are retried until they land."
        ),
    )
    async def post_status(
        self,
        info: Info,
        text: str,
        cross_post: bool = True,
        targets: list[Platform] | None = None,
    ) -> PostStatusPayload:
        wanted = None if targets is None else [target.value for target in targets]
        record = await actions.post_status(info.context, text, cross_post, wanted)
        return PostStatusPayload.from_record(record)


@strawberry.type
class Query:
    @resolver(
        requires_scopes=partner_readable(STATUSES_READ),
        description=(
            "One of the caller's Statuses by id; null once expired, when there is none with that"
            " id, or when it is someone else's (the three are not told apart)."
        ),
    )
    async def whats_app_status(self, info: Info, id: strawberry.ID) -> WhatsAppStatus | None:
        return await WhatsAppStatus.resolve_reference(info, id)


@strawberry.type(description="One cross-post that reached a final state, and its Status.")
class CrossPostSettled:
    status: WhatsAppStatus
    cross_post: CrossPost


async def _fresh_status(info: Info, status_id: str) -> StatusRecord | None:
    """The Status read afresh (not through the connection's loaders, which would cache): current
    and visible to the caller by the query rule, or None (expired, or not theirs)."""
    found = await info.context.repository.statuses.by_ids((status_id,))
    return await owned_or_none(info.context, found.get(status_id))


@strawberry.type
class Subscription:
    @subscription(
        requires_scopes=SESSION_ONLY,
        description=(
            "Each Status the caller posts from now on (on any replica), once its in-line"
            " cross-posts were tried; only the owner's own Statuses, and only with a token."
        ),
    )
    async def status_posted(self, info: Info) -> AsyncGenerator[WhatsAppStatus, None]:
        async for status_id in caller_events(info.context, STATUS_POSTED):
            record = await _fresh_status(info, status_id)
            if record is not None:
                yield WhatsAppStatus.from_record(record)

    @subscription(
        requires_scopes=SESSION_ONLY,
        description=(
            "Each of the caller's cross-posts once it settles, per platform: delivered (DONE,"
            " with its Story), FAILED or CANCELLED; from the posting itself or the outbox's"
            " later retries, on any replica. Only the owner's own, and only with a token."
        ),
    )
    async def cross_post_settled(self, info: Info) -> AsyncGenerator[CrossPostSettled, None]:
        async for payload in caller_events(info.context, CROSS_POST_SETTLED):
            status_id, _, platform = payload.partition(" ")
            record = await _fresh_status(info, status_id)
            if record is None:
                continue
            for entry in record.cross_posts:
                if entry.platform == platform:
                    yield CrossPostSettled(
                        status=WhatsAppStatus.from_record(record),
                        cross_post=CrossPost.from_record(entry),
                    )


schema = federation_schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=(Person, FacebookStory, InstagramStory),
)


def print_sdl() -> str:
    """The SDL this subgraph serves; `make schema` writes it to `schema/whatsapp.graphql`."""
    return print_schema_sdl(schema)
