"""The request context types the accounts resolvers see, and the ownership check they share."""

from __future__ import annotations

from strawberry.types import Info

from subgraphs.accounts.backend import AccountsBackend
from subgraphs.accounts.loaders import AccountsLoaders
from subgraphs.common.auth import Viewer, require_viewer
from subgraphs.common.context import RequestContext
from subgraphs.common.errors import forbidden

__all__ = ["AccountsContext", "AccountsInfo", "require_owner"]

AccountsContext = RequestContext[AccountsBackend, AccountsLoaders]
AccountsInfo = Info[AccountsContext, None]


async def require_owner(info: AccountsInfo, person_id: str, scope: str | None = None) -> Viewer:
    """The caller, who must be the person `person_id`; otherwise FORBIDDEN (or UNAUTHENTICATED).

    Every private field goes through here, so changing an id in a query never reveals another
    person's private data. Only the person's sign-in token passes, or a partner app's token for
    them that carries `scope` (a field a partner may be granted names it).
    """
    viewer = await require_viewer(info.context, scope)
    if viewer.person_id != person_id:
        raise forbidden("Only this person can see or change this.")
    return viewer
