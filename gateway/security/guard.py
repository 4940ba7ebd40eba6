"""`SecurityGuard`: every check that runs on a request before the gateway plans or calls anything.

The server calls `csrf` as soon as a request arrives, `admit` once its parameters are read
(authentication, then the rate limit: a bad token is refused before the document is looked at),
then, on the gateway's cached `Document`, `check_operation` (introspection and the shape limits,
read from the facts measured when the document was parsed) and, once it is validated,
`authorize` (the cost limit, then the fields the caller may not see) and `limit_fields` (the
per-address limit on chosen root fields, such as sign-in). Each is a small check on
the parsed operation, as Strawberry's extensions are: the guard never parses, and nothing it
derives from a document is kept anywhere but in that document's cache entry. The size and token
limits are parse options (`gateway/operation/prepare.py`), so an oversized document costs no
parse tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import OperationType

from gateway.clients import ClientIdentity, current_client, enter_client, identify_client
from gateway.config.apps import AppSettings
from gateway.config.observability import ClientsConfig
from gateway.config.security import (
    AuthConfig,
    AuthorizationConfig,
    LimitsConfig,
    PersistedConfig,
    RateLimitConfig,
    SecurityConfig,
)
from gateway.documents import Document, DocumentCache, Runnable, Variant
from gateway.security.apps import AppLimits
from gateway.security.authentication import (
    ANONYMOUS,
    UNAUTHENTICATED,
    Authenticator,
    AuthFailure,
    Claims,
)
from gateway.security.authorization import (
    UNAUTHORIZED_FIELD_OR_TYPE,
    Authorized,
    Filtered,
    PolicyHook,
    filter_operation,
    null_removed,
)
from gateway.security.csrf import CSRF_PREVENTION, csrf_refusal
from gateway.security.demand import DemandControl
from gateway.security.introspection import INTROSPECTION_DISABLED
from gateway.security.limits import check_shape
from gateway.security.masking import mask_errors
from gateway.security.persisted import (
    QUERY_NOT_IN_SAFELIST,
    DocumentProblem,
    PersistedDocuments,
)
from gateway.security.policy import Authorizer
from gateway.security.ratelimit import RATE_LIMITED, RateLimiter, client_key, count_root_fields
from gateway.supergraph import Supergraph

__all__ = ["Refusal", "SecurityGuard"]

SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
RETRY_AFTER_SECONDS = 5
"""When a client may retry a token the key server could not check (as the subgraphs say)."""
REQUEST_ERROR = 0
"""`Refusal.status` for "a request error": 400 or 200 as GraphQL-over-HTTP's media type says."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Refusal:
    """A request the gateway will not run: what to say, its code, and the HTTP status."""

    message: str
    code: str
    status: int = REQUEST_ERROR
    headers: Mapping[str, str] | None = None
    extensions: Mapping[str, Any] | None = None
    """More for the error's `extensions` than its code (e.g. `retryAfter`)."""


def _variant(
    operation: Runnable, filtered: Filtered, denied: frozenset[tuple[str, str]]
) -> Variant:
    """Authorization's copy of `operation`, kept per set of denied fields."""
    copy = None
    if filtered.prepared is not None:
        copy = Runnable(
            key=operation.key, prepared=filtered.prepared, variant=denied, unit=operation.unit
        )
    return Variant(operation=copy, removed=filtered.removed)


_OPERATION_TYPES = {
    "query": OperationType.QUERY,
    "mutation": OperationType.MUTATION,
    "subscription": OperationType.SUBSCRIPTION,
}


def _too_many(message: str, retry_after: int) -> Refusal:
    """429 RATE_LIMITED, with the wait in `Retry-After` and in `extensions.retryAfter`."""
    return Refusal(
        message=message,
        code=RATE_LIMITED,
        status=429,
        headers={"retry-after": str(retry_after)},
        extensions={"retryAfter": retry_after},
    )


class SecurityGuard:
    """The pre-execution checks configured for one gateway."""

    def __init__(
        self,
        auth: AuthConfig,
        limits: LimitsConfig,
        security: SecurityConfig,
        authorization: AuthorizationConfig | None = None,
        *,
        persisted: PersistedConfig | None = None,
        rate_limit: RateLimitConfig | None = None,
        redis_url: str | None = None,
        policy_hook: PolicyHook | None = None,
        clients: ClientsConfig | None = None,
        apps: Mapping[str, AppSettings] | None = None,
    ) -> None:
        """`redis_url` names the store replicas share for APQ and rate limits (else memory);
        `policy_hook` decides `@policy` (a plugin's `authorize_policies`) instead of the
        configured `authorization.policy_hook`."""
        self._auth = Authenticator(auth) if auth.enabled else None
        self._limits = limits
        self._security = security
        rate = rate_limit or RateLimitConfig()
        self._clients = clients or ClientsConfig()
        self._apps = AppLimits(apps or {}, rate.window, redis_url)
        self._demand = DemandControl(limits, per_app=bool(self._apps.costs or self._apps.budgets))
        settings = authorization or AuthorizationConfig()
        self._authorizer = (
            Authorizer(settings, policy_hook) if auth.enabled and settings.enabled else None
        )
        self._documents = PersistedDocuments(
            persisted or PersistedConfig(), redis_url=redis_url, extra=self._apps.documents
        )
        self._rate = rate if rate.requests else None
        self._limiter = (
            RateLimiter(rate.requests, rate.window, redis_url) if rate.requests else None
        )
        self._field_rate = rate if rate.field_requests and rate.fields else None
        self._limited_fields = frozenset(rate.fields)
        self._field_limiter = (
            RateLimiter(
                rate.field_requests,
                rate.window,
                redis_url,
                prefix="gateway:field-rate:",
            )
            if self._field_rate is not None
            else None
        )

    async def resolve(
        self, query: str | None, extensions: Mapping[str, Any] | None
    ) -> str | Refusal | None:
        """The document a request runs: its own, a trusted one by id, or an APQ by hash."""
        resolved = await self._documents.resolve(query, extensions)
        if isinstance(resolved, DocumentProblem):
            return Refusal(message=resolved.message, code=resolved.code)
        return resolved

    def csrf(self, headers: Mapping[str, str], *, always: bool = False) -> Refusal | None:
        """CSRF_PREVENTION (400) for a request a browser could have sent cross-site; with
        `always`, even where `security.csrf_prevention` is off (file uploads: a form post
        that writes is the very request CSRF is about, so it is never let through unasked)."""
        if not (always or self._security.csrf_prevention):
            return None
        message = csrf_refusal(headers, self._security.csrf_headers)
        return (
            None if message is None else Refusal(message=message, code=CSRF_PREVENTION, status=400)
        )

    async def admit(self, headers: Mapping[str, str], peer: str | None = None) -> Refusal | Claims:
        """The caller's claims, or the refusal of authentication or the rate limit."""
        claims = ANONYMOUS
        if self._auth is not None:
            verified = await self._auth.authenticate(headers)
            if isinstance(verified, AuthFailure) and verified.unavailable:
                return Refusal(
                    message=verified.message,
                    code=SERVICE_UNAVAILABLE,
                    status=503,
                    headers={"retry-after": str(RETRY_AFTER_SECONDS)},
                )
            if isinstance(verified, AuthFailure):
                return Refusal(
                    message=verified.message,
                    code=UNAUTHENTICATED,
                    status=401,
                    headers={"www-authenticate": 'Bearer error="invalid_token"'},
                )
            claims = verified
        client = identify_client(claims.values, headers, self._clients)
        enter_client(client)
        limited = await self._rate_limit(claims, headers, peer) or await self._app_limit(client)
        return claims if limited is None else limited

    async def _app_limit(self, client: ClientIdentity) -> Refusal | None:
        over = await self._apps.hit(client)
        if over is None:
            return None
        limit, limited = over
        message = f"Too many requests from app {client.name}: the limit is {limit} per"
        return _too_many(f"{message} {self._apps.window} s.", limited.retry_after)

    def check_operation(self, document: Document) -> Refusal | None:
        """Introspection and the shape limits, on the facts measured when it was parsed."""
        client = current_client()
        if not self._apps.trusted(client, document.key[0]):
            message = f"App {client.name} runs only its trusted documents: send one of their ids."
            return Refusal(message=message, code=QUERY_NOT_IN_SAFELIST)
        facts = document.facts
        if facts is None:
            return None  # unreadable, or no operation picked: the operation stage says why
        if facts.introspection and not self._security.introspection:
            message = "Introspection is disabled on this endpoint."
            return Refusal(message=message, code=INTROSPECTION_DISABLED)
        exceeded = check_shape(facts, self._limits)
        if exceeded is not None:
            return Refusal(message=exceeded.message, code=exceeded.code)
        return None

    async def _rate_limit(
        self, claims: Claims, headers: Mapping[str, str], peer: str | None
    ) -> Refusal | None:
        if self._limiter is None or self._rate is None:
            return None
        client = client_key(claims, headers, self._rate.client_header, peer)
        limited = await self._limiter.hit(client)
        if limited is None:
            return None
        rate = self._rate
        message = f"Too many requests: the limit is {rate.requests} per {rate.window} s."
        return _too_many(message, limited.retry_after)

    async def _cost_budget(self) -> Refusal | None:
        client = current_client()
        spent = await self._apps.spend(client, self._demand.estimated())
        if spent is None:
            return None
        budget, limited = spent
        message = f"App {client.name} spent its cost budget: {budget} per"
        return _too_many(f"{message} {self._apps.window} s.", limited.retry_after)

    async def limit_fields(
        self, supergraph: Supergraph, operation: Runnable, peer: str | None
    ) -> Refusal | None:
        """The per-address limit on chosen root fields (sign-in, sign-up): every selection of
        one counts, so aliases cannot batch guesses; a request without one costs nothing.
        Before it, the app's cost budget (`apps.<name>.cost_budget`) pays for the operation."""
        over_budget = await self._cost_budget()
        if over_budget is not None:
            return over_budget
        if self._field_limiter is None or self._field_rate is None:
            return None
        prepared = operation.prepared
        root = supergraph.api_schema.get_root_type(_OPERATION_TYPES[prepared.kind])
        if root is None:
            return None
        count = count_root_fields(prepared, root.name, self._limited_fields)
        if not count:
            return None
        limited = await self._field_limiter.hit(f"peer:{peer or 'unknown'}", count)
        if limited is None:
            return None
        rate = self._field_rate
        fields = ", ".join(sorted(rate.fields))
        message = (
            f"Too many requests for {fields}: the limit is {rate.field_requests} per"
            f" {rate.window} s per client."
        )
        return _too_many(message, limited.retry_after)

    def authorize(
        self,
        supergraph: Supergraph,
        documents: DocumentCache,
        document: Document,
        operation: Runnable,
        claims: Claims,
        variables: Mapping[str, Any] | None = None,
    ) -> Authorized | Refusal | None:
        """The checks that need the supergraph: the cost limit, then authorization.

        Returns None when `operation` runs as it is (the common case, without an allocation),
        else the operation to run without the fields `claims` may not see (None when none is
        left), or a refusal. The fields with a requirement that the operation selects are
        found once per document; a request then asks the caller's verdict on those alone, and
        the filtered copy for one set of denied fields is built once and kept in the document.
        """
        if self._demand.active:
            app_cap = self._apps.max_cost(current_client())
            too_costly = self._demand.check(supergraph, operation.prepared, variables, app_cap)
            if too_costly is not None:
                return Refusal(
                    message=too_costly.message,
                    code=too_costly.code,
                    extensions=too_costly.extensions,
                )
        if self._authorizer is None:
            return None
        if document.guarded is None:
            document.guarded = self._authorizer.guarded(supergraph, operation.prepared)
        allowed = self._authorizer.allowed(supergraph, claims)
        denied = frozenset(key for key in document.guarded if not allowed(*key))
        if not denied:
            return None
        variant = document.variants.get(denied)
        if variant is None:
            filtered = filter_operation(supergraph.api_schema, operation.prepared, allowed)
            variant = _variant(operation, filtered, denied)
            documents.add_variant(document, denied, variant)
        if variant.removed and self._authorizer.reject:
            paths = ", ".join(".".join(path) for path in variant.removed)
            message = f"The request asks for fields the caller may not see: {paths}."
            return Refusal(message=message, code=UNAUTHORIZED_FIELD_OR_TYPE, status=403)
        return Authorized(operation=variant.operation, removed=variant.removed)

    def finish(self, body: dict[str, Any], removed: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
        """The response as the client gets it: nulls for removed fields, the costs when they
        are reported (`extensions.cost`), errors masked."""
        if removed:
            body = null_removed(body, removed)
        if self._demand.active:
            body = self._demand.report(body)
        return self.mask(body)

    def mask(self, body: dict[str, Any]) -> dict[str, Any]:
        """The response body as a client may see it (errors masked in production)."""
        if not self._security.mask_errors:
            return body
        return mask_errors(body, self._security.error_extensions)
