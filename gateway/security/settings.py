"""The security settings, as frozen values the config loader fills in (see `gateway/config.py`).

They live beside the controls that read them, so a control and its knobs change together; the
loader in `gateway/config.py` owns where each value comes from (YAML key, environment variable).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AuthConfig", "AuthorizationConfig", "OperationLimits", "SecurityConfig"]


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


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityConfig:
    """The controls that depend on the mode: on in production, chosen per setting in dev."""

    introspection: bool = True
    csrf_prevention: bool = False
    csrf_headers: tuple[str, ...] = ("apollo-require-preflight", "x-apollo-operation-name")
    mask_errors: bool = False
    error_extensions: tuple[str, ...] = ("code", "serviceName")


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorizationConfig:
    """`@authenticated`/`@requiresScopes`/`@policy` enforcement (needs authentication on)."""

    enabled: bool = True
    reject_unauthorized: bool = False
    policy_hook: str | None = None
    """`module:function` deciding `@policy` groups; None refuses every policy."""
