"""The one rule for private platform data: only the person who owns it may read it.

A WhatsApp account, a Facebook or Instagram profile and their statuses and stories are private to
the person whose token registered them. Resolvers call `require_owner` with the owner id stored
on the document, so changing an id in a query never reveals someone else's data: it yields
FORBIDDEN (or UNAUTHENTICATED without a token) instead.
"""

from __future__ import annotations

from subgraphs.common.auth import HasAuth, Viewer, require_viewer
from subgraphs.common.errors import forbidden

__all__ = ["require_owner", "require_self"]


async def require_owner(context: HasAuth, owner_id: str, what: str = "this") -> Viewer:
    """The caller, if they own the data; FORBIDDEN for anyone else."""
    viewer = await require_viewer(context)
    if viewer.person_id != owner_id:
        raise forbidden(f"Only its owner can see {what}.")
    return viewer


async def require_self(context: HasAuth, person_id: str) -> Viewer:
    """The caller, if `person_id` is the caller themself (a person's platform accounts)."""
    return await require_owner(context, person_id, "another person's accounts")
