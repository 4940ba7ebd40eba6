"""Sign-up, sign-in, sign-out, linking, sharing and consent mutations (thin: validate, then act).

Every argument is validated before the first write, so a refused mutation leaves the database
unchanged. The signed-in person comes from the token; no mutation takes a person id, so nobody
can act on someone else's Accounts Center by changing an argument.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import strawberry
from bson import ObjectId

from subgraphs.accounts.context import AccountsInfo
from subgraphs.accounts.credentials import too_many, verify_credentials
from subgraphs.accounts.linking import (
    link_account,
    require_linking_available,
    require_route_linked,
    unlink_account,
)
from subgraphs.accounts.objects import (
    Consent,
    LinkedAccount,
    LinkingSettings,
    Person,
    SharingPreference,
)
from subgraphs.accounts.passwords import hash_password
from subgraphs.accounts.records import (
    ConsentPurpose,
    ConsentRecord,
    PersonRecord,
    Platform,
    SharingRoute,
    utc_now,
)
from subgraphs.accounts.subscriptions import LinkChange, announce_links_changed
from subgraphs.accounts.throttle import Throttled
from subgraphs.accounts.tokens import issue_token
from subgraphs.accounts.validation import (
    MAX_DISPLAY_NAME,
    check_account_id,
    check_email,
    check_password,
    check_proof_code,
    check_region,
    check_text,
)
from subgraphs.common.auth import Viewer, require_viewer
from subgraphs.common.errors import (
    conflict,
    missing_scope,
    unauthenticated,
)
from subgraphs.common.revocations import RevocationPublisher
from subgraphs.common.schema import resolver
from subgraphs.common.scopes import SESSION_ONLY

__all__ = [
    "LINKS_WRITE",
    "PROFILE_WRITE",
    "AccountMutations",
    "AuthPayload",
    "SignUpInput",
    "current_person",
]

LINKS_WRITE = "links:write"
PROFILE_WRITE = "profile:write"


@strawberry.input(description="What a new person gives to create an Accounts Center.")
class SignUpInput:
    email: str
    password: str
    display_name: str
    region: str = strawberry.field(description="Where the person lives, e.g. EU, US, BR, IN.")


@strawberry.type(description="A signed-in session: send `token` as `Authorization: Bearer`.")
class AuthPayload:
    token: str
    expires_at: datetime
    person: Person


async def current_person(info: AccountsInfo, scope: str) -> tuple[Viewer, PersonRecord]:
    """The caller, whose token must carry `scope`, and their record.

    A token for a person that no longer exists is refused. Sign-in grants every scope; the
    checks keep a narrower token (a partner's, or a read-only one) from writing.
    """
    viewer = await require_viewer(info.context)
    if not viewer.has_scope(scope):
        raise missing_scope(scope)
    record = await info.context.loaders.person.load(viewer.person_id)
    if record is None:
        raise unauthenticated("The signed-in person no longer exists.")
    return viewer, record


def client_address(info: AccountsInfo) -> str:
    """The caller's address: uvicorn takes it from `X-Forwarded-For` only when the request comes
    from a trusted proxy (`FORWARDED_ALLOW_IPS`, loopback by default), i.e. the gateway."""
    client = info.context.request.client
    return client.host if client is not None else "unknown"


async def _signed_in(info: AccountsInfo, person: PersonRecord) -> AuthPayload:
    backend = info.context.repository
    issued = await issue_token(backend.keys, backend.repository, info.context.settings, person.id)
    return AuthPayload(token=issued.token, expires_at=issued.expires_at, person=Person.of(person))


@strawberry.type
class AccountMutations:
    @resolver(description="Create an Accounts Center and sign in to it.")
    async def sign_up(self, info: AccountsInfo, input: SignUpInput) -> AuthPayload:
        email = check_email(input.email)
        password = check_password(input.password)
        display_name = check_text(input.display_name, "displayName", MAX_DISPLAY_NAME)
        region = check_region(input.region)
        throttle = info.context.repository.throttle
        client = await throttle.admit_sign_up(client_address(info))
        if isinstance(client, Throttled):
            raise too_many(client)
        person = await info.context.repository.repository.create_person(
            email=email,
            display_name=display_name,
            region=region,
            password_hash=await hash_password(password),
            at=utc_now(),
        )
        if person is None:
            raise conflict("An Accounts Center with that email already exists.")
        await throttle.sign_up_succeeded(client)
        return await _signed_in(info, person)

    @resolver(description="Sign in with email and password; one token works in every app.")
    async def sign_in(self, info: AccountsInfo, email: str, password: str) -> AuthPayload:
        backend = info.context.repository
        person = await verify_credentials(backend, email, password, client_address(info))
        return await _signed_in(info, person)

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Revoke the token this request was made with.",
    )
    async def sign_out(self, info: AccountsInfo) -> bool:
        viewer = await require_viewer(info.context)
        redis = info.context.services.redis
        if redis is not None:  # pushed first: see subgraphs.common.revocations
            await RevocationPublisher(redis).revoke(viewer.token_id, viewer.expires_at)
        await info.context.repository.repository.revoke_session(viewer.token_id, utc_now())
        return True

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Turn account linking on or off (off by default). Turning it on is refused "
        "with NOT_AVAILABLE_IN_REGION where linking is not rolled out; off always works.",
    )
    async def set_linking_enabled(self, info: AccountsInfo, enabled: bool) -> LinkingSettings:
        _, person = await current_person(info, LINKS_WRITE)
        if enabled:  # the graph must not say `enabled: true` where linking is refused
            require_linking_available(person, info.context.settings.regions_rolled_out)
        repository = info.context.repository.repository
        at = utc_now()
        if await repository.set_linking_enabled(ObjectId(person.id), enabled, at):
            change = LinkChange.RESUMED if enabled else LinkChange.PAUSED
            await announce_links_changed(info.context.services.events, person.id, change)
        links = await repository.links_for_people([ObjectId(person.id)])
        now = replace(person, linking_enabled=enabled, linking_changed_at=at)
        return LinkingSettings.of(now, links, info.context.settings.regions_rolled_out)

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Link a platform account, proving ownership with the one-time code from "
        "that platform's `createLinkProof` mutation.",
    )
    async def link_account(
        self,
        info: AccountsInfo,
        platform: Platform,
        account_id: strawberry.ID,
        proof_code: str,
    ) -> LinkedAccount:
        account = check_account_id(str(account_id))
        code = check_proof_code(proof_code)
        _, person = await current_person(info, LINKS_WRITE)
        link = await link_account(
            info.context.services,
            info.context.repository.repository,
            person,
            platform,
            account,
            code,
        )
        events = info.context.services.events
        await announce_links_changed(events, person.id, LinkChange.LINKED, platform)
        return LinkedAccount.of(link, None)  # linkAccount succeeds only where links work

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Remove a link: sharing through it stops at once; platform data stays.",
    )
    async def unlink_account(
        self,
        info: AccountsInfo,
        platform: Platform,
    ) -> bool:
        viewer, _ = await current_person(info, LINKS_WRITE)
        repository = info.context.repository.repository
        await unlink_account(repository, viewer.person_id, platform)
        events = info.context.services.events
        await announce_links_changed(events, viewer.person_id, LinkChange.UNLINKED, platform)
        return True

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Turn one cross-posting route on or off. The answer says whether it shares "
        "now: chosen while linking is off, it is kept but paused (`enabled: false`).",
    )
    async def set_sharing_preference(
        self,
        info: AccountsInfo,
        route: SharingRoute,
        enabled: bool,
    ) -> SharingPreference:
        _, person = await current_person(info, LINKS_WRITE)
        chosen = route
        repository = info.context.repository.repository
        links = await repository.links_for_people([ObjectId(person.id)])
        if enabled:
            require_route_linked(chosen, links)
        await repository.set_sharing(ObjectId(person.id), chosen, enabled)
        now = replace(person, sharing={**person.sharing, chosen: enabled})
        routes = SharingPreference.all_of(now, links, info.context.settings.regions_rolled_out)
        return next(preference for preference in routes if preference.route is chosen)

    @resolver(
        authenticated=True,
        requires_scopes=SESSION_ONLY,
        description="Allow or refuse one data use; the time is kept.",
    )
    async def set_consent(
        self,
        info: AccountsInfo,
        purpose: ConsentPurpose,
        granted: bool,
    ) -> Consent:
        _, person = await current_person(info, PROFILE_WRITE)
        chosen = purpose
        at = utc_now()
        await info.context.repository.repository.record_consent(
            ObjectId(person.id), chosen, granted, at
        )
        return Consent.of(ConsentRecord(purpose=chosen, granted=granted, recorded_at=at))
