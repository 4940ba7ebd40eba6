"""The one rule for private platform data: only the person who owns it may read it.

A WhatsApp account, a Facebook or Instagram profile and their statuses and stories are private to
the person whose token registered them. Resolvers call `require_owner` with the owner id stored
on the document, so changing an id in a query never reveals someone else's data.

Looking something up by id (`whatsAppStatus(id:)`, `facebookStory(id:)`, an entity
representation, a link proof for an account id) goes through `load_owned`/`owned_or_none`:
without a token it is UNAUTHENTICATED whatever the id, and with one, an id that does not exist
and an id that is somebody else's read the same (null, or NOT_FOUND where a mutation needs the
thing). So ids, though they are sequential ObjectIds, cannot be used to learn what exists or
when it was made: nothing answers differently for them.

Subscription events follow the same rule: `audience` is who an event about a record is sent to.

`scope` (e.g. `stories:read`) is the partner scope that also admits a partner app's token acting
for the owner; without it only the owner's sign-in token does (`auth.require_viewer`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from subgraphs.common.auth import HasAuth, Viewer, require_viewer
from subgraphs.common.errors import forbidden
from subgraphs.common.ids import parse_object_id

__all__ = [
    "Owned",
    "audience",
    "load_owned",
    "owned_or_none",
    "require_owner",
    "require_self",
]


class Owned(Protocol):
    """A record that belongs to one person."""

    @property
    def owner_id(self) -> str: ...


RecordT = TypeVar("RecordT", bound=Owned)


def audience(record: Owned) -> tuple[str, ...]:
    """Who may see `record`, so who may hear of it: its owner alone (the rule above).

    Subscription events are addressed with this, and each stream checks what it reads with
    `owned_or_none` as well, so an event never tells anyone what a query would not.
    """
    return (record.owner_id,)


async def require_owner(
    context: HasAuth, owner_id: str, what: str = "this", scope: str | None = None
) -> Viewer:
    """The caller, if they own the data; FORBIDDEN for anyone else."""
    viewer = await require_viewer(context, scope)
    if viewer.person_id != owner_id:
        raise forbidden(f"Only its owner can see {what}.")
    return viewer


async def require_self(context: HasAuth, person_id: str, scope: str | None = None) -> Viewer:
    """The caller, if `person_id` is the caller themself (a person's platform accounts)."""
    return await require_owner(context, person_id, "another person's accounts", scope)


async def owned_or_none(
    context: HasAuth, record: RecordT | None, scope: str | None = None
) -> RecordT | None:
    """`record` if the caller owns it, else None: "missing" and "not yours" are one answer."""
    viewer = await require_viewer(context, scope)
    if record is None or record.owner_id != viewer.person_id:
        return None
    return record


async def load_owned(
    context: HasAuth,
    load: Callable[[str], Awaitable[RecordT | None]],
    raw_id: object,
    argument: str = "id",
    scope: str | None = None,
) -> RecordT | None:
    """The caller's own record with id `raw_id`, or None (missing or not theirs).

    The token is checked before the id is even parsed, so an unauthenticated caller learns
    nothing about any id, and a malformed id is BAD_USER_INPUT for everyone alike.
    """
    await require_viewer(context, scope)
    return await owned_or_none(context, await load(parse_object_id(raw_id, argument)), scope)
