"""The accounts subgraph's schema: queries, the merged mutation type, and its SDL printer.

`print_sdl()` is what `make schema` (devstack/schema.py) writes to `schema/accounts.graphql`
and what `python -m subgraphs.accounts --print-sdl` prints.
"""

from __future__ import annotations

import strawberry

from subgraphs.accounts.assets import AssetMutations
from subgraphs.accounts.context import AccountsInfo
from subgraphs.accounts.mutations import AccountMutations
from subgraphs.accounts.objects import Person
from subgraphs.accounts.partner_schema import PartnerMutations
from subgraphs.accounts.profiles import FacebookProfile, InstagramProfile, WhatsAppAccount
from subgraphs.accounts.subscriptions import CHANNEL, Subscription
from subgraphs.accounts.validation import check_object_id
from subgraphs.common.auth import require_person, require_viewer
from subgraphs.common.errors import forbidden
from subgraphs.common.schema import federation_schema, print_schema_sdl, resolver

__all__ = ["EVENT_CHANNELS", "SCHEMA", "Mutation", "Query", "print_sdl"]

EVENT_CHANNELS = (CHANNEL,)
"""The event bus channels of accounts' subscriptions (`subscriptions.py`)."""


@strawberry.type
class Query:
    @resolver(authenticated=True, description="The signed-in person.")
    async def me(self, info: AccountsInfo) -> Person | None:
        viewer = await require_person(info.context)  # a partner too: its fields check scopes
        record = await info.context.loaders.person.load(viewer.person_id)
        return None if record is None else Person.of(record)

    @resolver(
        requires_scopes=[["people:read"]],
        description="Another person's public profile; their private fields stay FORBIDDEN.",
    )
    async def person(self, info: AccountsInfo, id: strawberry.ID) -> Person | None:
        person_id = str(check_object_id(str(id)))
        viewer = await require_viewer(info.context)
        if not viewer.has_scope("people:read"):
            raise forbidden("Looking people up needs the 'people:read' scope.")
        record = await info.context.loaders.person.load(person_id)
        return None if record is None else Person.of(record)


@strawberry.type
class Mutation(AccountMutations, AssetMutations, PartnerMutations):
    """Every accounts mutation (the bases keep the modules small)."""


SCHEMA = federation_schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=(Person, WhatsAppAccount, FacebookProfile, InstagramProfile),
)


def print_sdl() -> str:
    """The accounts SDL, as served by `_service { sdl }`."""
    return print_schema_sdl(SCHEMA)
