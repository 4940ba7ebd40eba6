"""The security sections of the settings: limits, authentication, authorization, persisted
documents, rate limits, the shared store, and the controls whose default depends on the mode.

The controls in `gateway/security/` take these frozen sections as they are; each field is one
setting declared once with `setting()` (see `gateway/config/declare.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gateway.config.declare import setting
from gateway.config.parsers import (
    boolean,
    choice,
    coordinates,
    integer,
    lower_names,
    lower_text,
    names,
    optional_path,
    optional_text,
)

__all__ = [
    "AuthConfig",
    "AuthorizationConfig",
    "LimitsConfig",
    "PersistedConfig",
    "RateLimitConfig",
    "RedisConfig",
    "SecurityConfig",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitsConfig:
    """Request limits: the body's before reading, the rest on the document before planning.

    0 turns a document limit off. The document's bound is apart from the body's: variables may
    be large (uploads, batches of input) where a document never needs to be."""

    max_body_bytes: int = setting(
        env="GATEWAY_LIMITS_MAX_BODY_BYTES",
        parse=integer(256, 1 << 30),
        default=2_000_000,
        help="largest request body accepted (413 PAYLOAD_TOO_LARGE)",
    )
    max_document_bytes: int = setting(
        env="GATEWAY_LIMITS_MAX_DOCUMENT_BYTES",
        parse=integer(0, 1 << 30),
        default=262_144,
        help="largest GraphQL document in UTF-8 bytes, apart from variables "
        "(MAX_DOCUMENT_SIZE_EXCEEDED; 0: no limit)",
    )
    max_depth: int = setting(
        env="GATEWAY_LIMITS_MAX_DEPTH",
        parse=integer(0, 100_000),
        default=20,
        help="deepest field nesting an operation may have (MAX_DEPTH_EXCEEDED; 0: no limit)",
    )
    max_aliases: int = setting(
        env="GATEWAY_LIMITS_MAX_ALIASES",
        parse=integer(0, 100_000),
        default=50,
        help="most aliases an operation may use (MAX_ALIASES_EXCEEDED; 0: no limit)",
    )
    max_root_fields: int = setting(
        env="GATEWAY_LIMITS_MAX_ROOT_FIELDS",
        parse=integer(0, 100_000),
        default=30,
        help="most root fields an operation may select (MAX_ROOT_FIELDS_EXCEEDED; 0: no limit)",
    )
    max_tokens: int = setting(
        env="GATEWAY_LIMITS_MAX_TOKENS",
        parse=integer(0, 10_000_000),
        default=10_000,
        help="most lexical tokens a document may have (MAX_TOKENS_EXCEEDED; 0: no limit)",
    )
    max_cost: int = setting(
        env="GATEWAY_LIMITS_MAX_COST",
        parse=integer(0, 1_000_000_000),
        default=0,
        help="largest estimated cost from @cost/@listSize (COST_LIMIT_EXCEEDED; 0: no limit)",
    )
    default_list_size: int = setting(
        env="GATEWAY_LIMITS_DEFAULT_LIST_SIZE",
        parse=integer(0, 1_000_000),
        default=10,
        help="list size assumed for cost without @listSize or a slicing argument",
    )
    cost_mode: str = setting(
        env="GATEWAY_LIMITS_COST_MODE",
        parse=choice("enforce", "measure"),
        default="enforce",
        help="enforce: refuse above max_cost; measure: compute and report costs, refuse nothing",
    )
    expose_cost: bool = setting(
        env="GATEWAY_LIMITS_EXPOSE_COST",
        parse=boolean,
        default=False,
        help="report the estimated and actual cost in the response's extensions.cost",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthConfig:
    """JWT authentication; off while `jwks_url` is None."""

    jwks_url: str | None = setting(
        env="GATEWAY_AUTH_JWKS_URL",
        parse=optional_text,
        default=None,
        shown="none: off",
        help="JWKS URL to verify bearer tokens against (keys cached, refetched on an unknown "
        "kid at most every 5 s)",
    )
    required: bool = setting(
        env="GATEWAY_AUTH_REQUIRED",
        parse=boolean,
        default=False,
        help="refuse requests without a token (401 UNAUTHENTICATED; a bad token is 401 even "
        "when optional)",
    )
    issuer: str | None = setting(
        env="GATEWAY_AUTH_ISSUER",
        parse=optional_text,
        default=None,
        shown="none: not checked",
        help="required `iss` claim",
    )
    audience: str | None = setting(
        env="GATEWAY_AUTH_AUDIENCE",
        parse=optional_text,
        default=None,
        shown="none: not checked",
        help="required `aud` claim",
    )

    @property
    def enabled(self) -> bool:
        return self.jwks_url is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorizationConfig:
    """`@authenticated`/`@requiresScopes`/`@policy` enforcement (needs authentication on)."""

    enabled: bool = setting(
        env="GATEWAY_AUTHORIZATION_ENABLED",
        parse=boolean,
        default=True,
        help="enforce @authenticated/@requiresScopes/@policy (when auth.jwks_url is set)",
    )
    reject_unauthorized: bool = setting(
        env="GATEWAY_AUTHORIZATION_REJECT",
        parse=boolean,
        default=False,
        help="refuse the whole request (403) instead of null + UNAUTHORIZED_FIELD_OR_TYPE per "
        "field",
    )
    policy_hook: str | None = setting(
        env="GATEWAY_AUTHORIZATION_POLICY_HOOK",
        parse=optional_text,
        default=None,
        shown="none: every policy refused",
        help="`module:function` deciding @policy, `f(policies: frozenset[str], claims) -> bool` "
        "(or a plugin's `authorize_policies`)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PersistedConfig:
    """Trusted documents (a manifest) and automatic persisted queries (APQ)."""

    apq: bool = setting(
        env="GATEWAY_APQ",
        parse=boolean,
        default=True,
        help="automatic persisted queries (PERSISTED_QUERY_NOT_FOUND, then register)",
    )
    manifest: Path | None = setting(
        env="GATEWAY_PERSISTED_MANIFEST",
        parse=optional_path,
        default=None,
        help="trusted documents: a persisted-query manifest (Apollo's format, or "
        "{id: document}) whose ids clients send",
    )
    safelist: bool = setting(
        env="GATEWAY_PERSISTED_SAFELIST",
        parse=boolean,
        default=False,
        help="with a manifest: run only its documents, by id or exact text "
        "(PERSISTED_QUERY_NOT_IN_LIST, QUERY_NOT_IN_SAFELIST)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RateLimitConfig:
    """Per-client fixed-window request limits; off while `requests` is 0."""

    requests: int = setting(
        env="GATEWAY_RATE_LIMIT_REQUESTS",
        parse=integer(0, 1_000_000_000),
        default=0,
        help="requests per client per window (429 RATE_LIMITED, Retry-After; 0: no limit)",
    )
    window: int = setting(
        env="GATEWAY_RATE_LIMIT_WINDOW",
        parse=integer(1, 86_400),
        default=60,
        help="seconds in one rate-limit window",
    )
    client_header: str = setting(
        env="GATEWAY_RATE_LIMIT_CLIENT_HEADER",
        parse=lower_text,
        default="x-client-id",
        help="header naming the client when the token has no subject (then the peer address)",
    )
    fields: tuple[str, ...] = setting(
        env="GATEWAY_RATE_LIMIT_FIELDS",
        parse=coordinates,
        default=(),
        help="root fields (Type.field) with a limit of their own per client address",
    )
    """Each selection counts, aliases included: `signIn` twice in one document is two."""
    field_requests: int = setting(
        env="GATEWAY_RATE_LIMIT_FIELD_REQUESTS",
        parse=integer(0, 1_000_000_000),
        default=0,
        help="selections of rate_limit.fields per client address per window (0: no limit)",
    )
    forward_client_address: bool = setting(
        env="GATEWAY_FORWARD_CLIENT_ADDRESS",
        parse=boolean,
        default=False,
        help="send subgraphs the client's address as X-Forwarded-For (replacing the client's)",
    )
    """So a subgraph can limit per client too (accounts' sign-in throttle)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RedisConfig:
    """The store replicas share; None keeps APQ and rate-limit counts in this process."""

    url: str | None = setting(
        env="GATEWAY_REDIS_URL",
        parse=optional_text,
        default=None,
        shown="none: in memory",
        help="Redis shared by replicas for APQ and rate limits",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityConfig:
    """The controls whose default depends on the mode: on in production, chosen in dev."""

    introspection: bool = setting(
        env="GATEWAY_INTROSPECTION",
        parse=boolean,
        default=True,
        production=False,
        help="answer `__schema`/`__type` (INTROSPECTION_DISABLED when off)",
    )
    csrf_prevention: bool = setting(
        env="GATEWAY_CSRF_PREVENTION",
        parse=boolean,
        default=False,
        production=True,
        help="refuse requests a browser could send cross-site unasked (400 CSRF_PREVENTION)",
    )
    csrf_headers: tuple[str, ...] = setting(
        env="GATEWAY_CSRF_HEADERS",
        parse=lower_names,
        default=("apollo-require-preflight", "x-apollo-operation-name"),
        help="headers that prove a CORS preflight happened",
    )
    mask_errors: bool = setting(
        env="GATEWAY_MASK_ERRORS",
        parse=boolean,
        default=False,
        production=True,
        help="hide subgraph internals in errors: only listed extensions; internal errors lose "
        "their message; no subgraph address; no 'Did you mean' suggestions",
    )
    error_extensions: tuple[str, ...] = setting(
        env="GATEWAY_ERROR_EXTENSIONS",
        parse=names,
        default=("code", "serviceName", "retryAfter"),
        help="error extensions kept when errors are masked",
    )
