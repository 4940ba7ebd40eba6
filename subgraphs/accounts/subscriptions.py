"""Accounts' subscription: `linksChanged`, each change to the caller's linked accounts.

A change is a link made (`LINKED`) or removed (`UNLINKED`) on one platform, or all links paused
(`PAUSED`: linking turned off) or working again (`RESUMED`: turned back on). The event goes on
the process's shared `EventBus` (`subgraphs.common.events`), channel `CHANNEL`, payload
`"<change> <platform or ->"`, addressed to the person whose links changed, and only to them:
links are private (`Person.linking` is owner-only). The stream hands out the person read afresh,
so `person { linking { ... } }` shows the links as they are now, and `person` is the entity the
other subgraphs extend (`person { whatsapp { phoneNumber } }` is resolved through them).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from enum import Enum

import strawberry
from bson import ObjectId

from subgraphs.accounts.context import AccountsInfo
from subgraphs.accounts.objects import Person
from subgraphs.accounts.records import Platform
from subgraphs.common.auth import require_viewer
from subgraphs.common.context import events_for
from subgraphs.common.events import EventBus
from subgraphs.common.schema import subscription
from subgraphs.common.scopes import SESSION_ONLY

__all__ = ["CHANNEL", "LinkChange", "LinksChanged", "Subscription", "announce_links_changed"]

CHANNEL = "accounts-center:accounts:links-changed"
NO_PLATFORM = "-"


@strawberry.enum(description="What changed about a person's linked accounts.")
class LinkChange(Enum):
    LINKED = "LINKED"
    UNLINKED = "UNLINKED"
    PAUSED = "PAUSED"
    RESUMED = "RESUMED"


@strawberry.type(description="One change to the caller's linked accounts, and the person now.")
class LinksChanged:
    change: LinkChange
    platform: Platform | None = strawberry.field(
        description="The platform linked or unlinked; null when linking was turned off or on."
    )
    person: Person


async def announce_links_changed(
    events: EventBus, person_id: str, change: LinkChange, platform: Platform | None = None
) -> None:
    """Tell `person_id`'s own `linksChanged` streams (links are private: nobody else's)."""
    where = NO_PLATFORM if platform is None else platform.value
    await events.publish(CHANNEL, (person_id,), f"{change.value} {where}")


def _parsed(payload: str) -> tuple[LinkChange, Platform | None] | None:
    change, _, where = payload.partition(" ")
    if change not in LinkChange.__members__:
        return None
    if where == NO_PLATFORM:
        return LinkChange(change), None
    return (LinkChange(change), Platform(where)) if where in Platform.__members__ else None


@strawberry.type
class Subscription:
    @subscription(
        requires_scopes=SESSION_ONLY,
        description=(
            "Each change to the caller's linked accounts from now on (on any replica): a link"
            " made or removed, linking turned off (links paused) or on again; only the caller's"
            " own, and only with a token."
        ),
    )
    async def links_changed(self, info: AccountsInfo) -> AsyncGenerator[LinksChanged, None]:
        viewer = await require_viewer(info.context)
        repository = info.context.repository.repository
        async for payload in events_for(info.context, CHANNEL, viewer.person_id):
            parsed = _parsed(payload)
            # Read afresh: the person and (through emptied loaders) the links as they are now.
            people = await repository.people_by_ids([ObjectId(viewer.person_id)])
            if parsed is not None and people:
                yield LinksChanged(
                    change=parsed[0], platform=parsed[1], person=Person.of(people[0])
                )
