"""`SecurityGuard`: every check that runs on a request before the gateway plans or calls anything.

The server calls `csrf` as soon as a request arrives and `check` once its parameters are read;
either returns a `Refusal` (message, code, HTTP status) or None. Keeping the order in one place
makes it reviewable: CSRF, then authentication (a bad token is refused before the document is
even looked at), then token count, then the shape limits and introspection on the parsed
operation. Those document checks depend only on (document, operation name) and the guard's
fixed settings, so their outcome is cached per pair in a bounded LRU, like the runtime's plans:
a repeated document costs one lookup. Authentication and the rate limit depend on the request
and always run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import FragmentDefinitionNode, GraphQLError, parse

from gateway.lru import Lru, Missing
from gateway.security.authentication import (
    ANONYMOUS,
    UNAUTHENTICATED,
    Authenticator,
    AuthFailure,
    Claims,
)
from gateway.security.authorization import (
    UNAUTHORIZED_FIELD_OR_TYPE,
    Filtered,
    filter_operation,
    null_removed,
)
from gateway.security.cost import COST_LIMIT_EXCEEDED, estimate_cost
from gateway.security.csrf import CSRF_PREVENTION, csrf_refusal
from gateway.security.introspection import INTROSPECTION_DISABLED, uses_introspection
from gateway.security.limits import (
    OperationShape,
    check_shape,
    check_tokens,
    measure,
    select_operation,
)
from gateway.security.masking import mask_errors
from gateway.security.persisted import DocumentProblem, PersistedDocuments
from gateway.security.policy import Authorizer
from gateway.security.ratelimit import RATE_LIMITED, RateLimiter, client_key
from gateway.security.settings import (
    AuthConfig,
    AuthorizationConfig,
    OperationLimits,
    PersistedConfig,
    RateLimitConfig,
    SecurityConfig,
)
from gateway.supergraph.model import Supergraph

__all__ = ["Refusal", "SecurityGuard"]

DOCUMENT_CACHE_SIZE = 1024
"""Documents whose check outcome is remembered (the runtime's plan cache holds as many)."""

REQUEST_ERROR = 0
"""`Refusal.status` for "a request error": 400 or 200 as GraphQL-over-HTTP's media type says."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Refusal:
    """A request the gateway will not run: what to say, its code, and the HTTP status."""

    message: str
    code: str
    status: int = REQUEST_ERROR
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Inspected:
    shape: OperationShape | None
    introspection: bool


def _inspect(query: str, operation_name: str | None) -> _Inspected:
    try:
        document = parse(query)
    except GraphQLError:
        return _Inspected(shape=None, introspection=False)  # validation reports it
    operation = select_operation(document, operation_name)
    shape = measure(document, operation) if operation is not None else None
    return _Inspected(shape=shape, introspection=uses_introspection(document))


class SecurityGuard:
    """The pre-execution checks configured for one gateway."""

    def __init__(
        self,
        auth: AuthConfig,
        limits: OperationLimits,
        security: SecurityConfig,
        authorization: AuthorizationConfig | None = None,
        *,
        persisted: PersistedConfig | None = None,
        rate_limit: RateLimitConfig | None = None,
    ) -> None:
        self._auth = Authenticator(auth) if auth.enabled else None
        self._limits = limits
        self._security = security
        settings = authorization or AuthorizationConfig()
        self._authorizer = Authorizer(settings) if auth.enabled and settings.enabled else None
        self._documents = PersistedDocuments(persisted or PersistedConfig())
        self._rate = rate_limit if rate_limit is not None and rate_limit.requests else None
        self._limiter = RateLimiter(self._rate) if self._rate is not None else None
        self._checked: Lru[tuple[str, str | None], Refusal | None] = Lru(DOCUMENT_CACHE_SIZE)

    async def resolve(
        self, query: str | None, extensions: Mapping[str, Any] | None
    ) -> str | Refusal | None:
        """The document a request runs: its own, a trusted one by id, or an APQ by hash."""
        resolved = await self._documents.resolve(query, extensions)
        if isinstance(resolved, DocumentProblem):
            return Refusal(message=resolved.message, code=resolved.code)
        return resolved

    def csrf(self, headers: Mapping[str, str]) -> Refusal | None:
        """CSRF_PREVENTION (400) for a request a browser could have sent cross-site."""
        if not self._security.csrf_prevention:
            return None
        message = csrf_refusal(headers, self._security.csrf_headers)
        return (
            None if message is None else Refusal(message=message, code=CSRF_PREVENTION, status=400)
        )

    async def check(
        self,
        headers: Mapping[str, str],
        query: str | None,
        operation_name: str | None,
        peer: str | None = None,
    ) -> Refusal | Claims:
        """The first refusal of authentication, limits or introspection, or the caller's claims."""
        claims = ANONYMOUS
        if self._auth is not None:
            verified = await self._auth.authenticate(headers)
            if isinstance(verified, AuthFailure):
                return Refusal(
                    message=verified.message,
                    code=UNAUTHENTICATED,
                    status=401,
                    headers={"www-authenticate": 'Bearer error="invalid_token"'},
                )
            claims = verified
        limited = await self._rate_limit(claims, headers, peer)
        if limited is not None:
            return limited
        refusal = self._check_document(query, operation_name) if isinstance(query, str) else None
        return claims if refusal is None else refusal

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
        message = f"Too many requests: the limit is {rate.requests} per {rate.window_seconds} s."
        return Refusal(
            message=message,
            code=RATE_LIMITED,
            status=429,
            headers={"retry-after": str(limited.retry_after)},
        )

    def authorize(
        self,
        supergraph: Supergraph,
        query: str | None,
        operation_name: str | None,
        claims: Claims,
        variables: Mapping[str, Any] | None = None,
    ) -> Filtered | Refusal:
        """The checks that need the supergraph: the cost limit, then authorization.

        Returns the document without the fields `claims` may not see, or a refusal.
        """
        if not isinstance(query, str):
            return Filtered(query=query, removed=())
        too_costly = self._check_cost(supergraph, query, operation_name, variables)
        if too_costly is not None:
            return too_costly
        if self._authorizer is None:
            return Filtered(query=query, removed=())
        allowed = self._authorizer.allowed(supergraph, claims)
        filtered = filter_operation(supergraph.api_schema, query, operation_name, allowed)
        if filtered.removed and self._authorizer.reject:
            paths = ", ".join(".".join(path) for path in filtered.removed)
            message = f"The request asks for fields the caller may not see: {paths}."
            return Refusal(message=message, code=UNAUTHORIZED_FIELD_OR_TYPE, status=403)
        return filtered

    def _check_cost(
        self,
        supergraph: Supergraph,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> Refusal | None:
        limit = self._limits.max_cost
        if not limit:
            return None
        try:
            document = parse(query)
        except GraphQLError:
            return None
        operation = select_operation(document, operation_name)
        if operation is None:
            return None
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        default_size = self._limits.default_list_size
        cost = estimate_cost(supergraph.schema, fragments, operation, variables, default_size)
        if cost <= limit:
            return None
        message = f"The operation's estimated cost is {cost}; the limit is {limit}."
        return Refusal(message=message, code=COST_LIMIT_EXCEEDED)

    def finish(self, body: dict[str, Any], filtered: Filtered) -> dict[str, Any]:
        """The response as the client gets it: nulls for removed fields, errors masked."""
        if filtered.removed:
            body = null_removed(body, filtered.removed)
        return self.mask(body)

    def _check_document(self, query: str, operation_name: str | None) -> Refusal | None:
        """Tokens, introspection and shape limits: remembered per (document, operation name).

        A document over the token limit is refused without being remembered, so a stream of
        distinct oversized documents cannot fill the cache (its lexer scan stops at the limit).
        """
        key = (query, operation_name)
        known = self._checked.get(key)
        if not isinstance(known, Missing):
            return known
        too_long = check_tokens(query, self._limits.max_tokens)
        if too_long is not None:
            return Refusal(message=too_long.message, code=too_long.code)
        refusal = self._check_inspected(query, operation_name)
        self._checked.put(key, refusal)
        return refusal

    def _check_inspected(self, query: str, operation_name: str | None) -> Refusal | None:
        inspected = _inspect(query, operation_name)
        if inspected.introspection and not self._security.introspection:
            message = "Introspection is disabled on this endpoint."
            return Refusal(message=message, code=INTROSPECTION_DISABLED)
        shape = inspected.shape
        exceeded = None if shape is None else check_shape(shape, self._limits)
        if exceeded is not None:
            return Refusal(message=exceeded.message, code=exceeded.code)
        return None

    def mask(self, body: dict[str, Any]) -> dict[str, Any]:
        """The response body as a client may see it (errors masked in production)."""
        if not self._security.mask_errors:
            return body
        return mask_errors(body, self._security.error_extensions)
