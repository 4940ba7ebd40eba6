"""Partner apps in the graph: `registerApp`, `revokeAppGrant` and the types `Person.appGrants`
shows (thin: the rules are in `partner_apps.py`).

Both mutations need the person's sign-in token (`session`): an app can neither register apps
nor touch grants, its own included.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.accounts.context import AccountsInfo
from subgraphs.accounts.partner_apps import register_app, revoke_grant
from subgraphs.accounts.partner_records import AppRecord, GrantRecord
from subgraphs.common.auth import require_viewer
from subgraphs.common.errors import not_found
from subgraphs.common.schema import resolver
from subgraphs.common.scopes import SESSION_ONLY

__all__ = ["AppGrant", "PartnerApp", "PartnerMutations", "RegisteredApp"]


@strawberry.type(description="A partner app registered with Accounts Center.")
class PartnerApp:
    id: strawberry.ID = strawberry.field(description="The app's OAuth client id.")
    name: str
    redirect_uris: list[str]
    scopes: list[str] = strawberry.field(description="The scopes the app may ask people for.")

    @classmethod
    def of(cls, record: AppRecord) -> PartnerApp:
        return cls(
            id=strawberry.ID(record.client_id),
            name=record.name,
            redirect_uris=list(record.redirect_uris),
            scopes=list(record.scopes),
        )


@strawberry.type(description="What the person allowed one app to read for them.")
class AppGrant:
    app: PartnerApp
    scopes: list[str]
    granted_at: datetime

    @classmethod
    def of(cls, grant: GrantRecord, app: AppRecord) -> AppGrant:
        return cls(app=PartnerApp.of(app), scopes=list(grant.scopes), granted_at=grant.granted_at)


@strawberry.type(description="A new app and its secret: shown this once, only a hash is kept.")
class RegisteredApp:
    app: PartnerApp
    client_id: str
    client_secret: str


@strawberry.type
class PartnerMutations:
    @resolver(
        requires_scopes=SESSION_ONLY,
        description="Register a partner app: its client id and secret (shown once) for OAuth 2.0 "
        "at accounts' /oauth/authorize and /oauth/token. Scopes: stories:read, statuses:read, "
        "profile:read.",
    )
    async def register_app(
        self, info: AccountsInfo, name: str, redirect_uris: list[str], scopes: list[str]
    ) -> RegisteredApp:
        viewer = await require_viewer(info.context)
        new = await register_app(
            info.context.repository, viewer.person_id, name, redirect_uris, scopes
        )
        return RegisteredApp(
            app=PartnerApp.of(new.app), client_id=new.app.client_id, client_secret=new.secret
        )

    @resolver(
        requires_scopes=SESSION_ONLY,
        description="Withdraw the caller's grant to an app: its tokens stop working everywhere at "
        "once, like sign-out. NOT_FOUND when the app holds no grant.",
    )
    async def revoke_app_grant(self, info: AccountsInfo, app_id: strawberry.ID) -> bool:
        viewer = await require_viewer(info.context)
        redis = info.context.services.redis
        if not await revoke_grant(info.context.repository, redis, viewer.person_id, str(app_id)):
            raise not_found("No grant to that app.")
        return True
