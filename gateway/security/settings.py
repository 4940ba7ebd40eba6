"""The security settings, as frozen values the config loader fills in (see `gateway/config.py`).

They live beside the controls that read them, so a control and its knobs change together; the
loader in `gateway/config.py` owns where each value comes from (YAML key, environment variable).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "AuthConfig",
    "AuthorizationConfig",
    "OperationLimits",
    "PersistedConfig",
    "RateLimitConfig",
    "SecurityConfig",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthConfig:
    """JWT authentication; off while `jwks_url` is None."""

    jwks_url: str | None = None
    required: bool = False
    issuer: str | None = None
    audience: str | None = None
    algorithms: tuple[str, ...] = ("EdDSA", "RS256", "ES256")
    leeway_seconds: int = 0

    @property
    def enabled(self) -> bool:
        return self.jwks_url is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationLimits:
    """Limits checked on the document before planning; 0 turns one limit off."""

    max_depth: int = 20
    max_aliases: int = 50
    max_root_fields: int = 30
    max_tokens: int = 10_000
    max_cost: int = 0
    default_list_size: int = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityConfig:
    """The controls that depend on the mode: on in production, chosen per setting in dev."""

    introspection: bool = True
    csrf_prevention: bool = False
    csrf_headers: tuple[str, ...] = ("apollo-require-preflight", "x-apollo-operation-name")
    mask_errors: bool = False
    error_extensions: tuple[str, ...] = ("code", "serviceName", "retryAfter")


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorizationConfig:
    """`@authenticated`/`@requiresScopes`/`@policy` enforcement (needs authentication on)."""

    enabled: bool = True
    reject_unauthorized: bool = False
    policy_hook: str | None = None
    """`module:function` deciding `@policy` groups; None refuses every policy."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PersistedConfig:
    """Trusted documents (a manifest) and automatic persisted queries (APQ)."""

    apq: bool = True
    manifest: Path | None = None
    safelist: bool = False
    """With a manifest: only its documents run (by id, or by sending exactly their text)."""
    redis_url: str | None = None
    """APQ's shared cache; None keeps it in this process's memory."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RateLimitConfig:
    """Per-client fixed-window request limits; off while `requests` is 0."""

    requests: int = 0
    window_seconds: int = 60
    client_header: str = "x-client-id"
    redis_url: str | None = None
    """Shared counters for several replicas; None counts in this process's memory."""
    fields: frozenset[str] = frozenset()
    """Root fields (`Mutation.signIn`) with a limit of their own, per client address."""
    field_requests: int = 0
    """Selections of `fields` one client address may make per window; 0: no field limit."""
    forward_client_address: bool = False
    """Send each subgraph the client's address as `X-Forwarded-For` (replacing any the client
    sent), so a subgraph can limit per client too (accounts' sign-in throttle)."""
