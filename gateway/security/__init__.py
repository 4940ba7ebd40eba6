"""The gateway's security controls, one module per control, run by `SecurityGuard` in the server
as small checks on the gateway's cached, parsed operation (nothing here parses a document).

- `authentication`: JWTs verified against a JWKS (`gateway/jwks.py`, shared with the subgraphs),
  UNAUTHENTICATED before any subgraph;
- `ratelimit`: per-client request limits and per-address limits on chosen root fields (sign-in),
  counted in `gateway/stores.py`;
- `limits`: depth, aliases, root fields and fields once expanded, each with its own code (size
  and tokens are parse options of `gateway/operation`);
- `introspection`: `__schema`/`__type` refused when introspection is off;
- `csrf`: Apollo-style CSRF prevention;
- `directives`, `authorization`, `policy`: `@authenticated`/`@requiresScopes`/`@policy`
  fields removed from the AST before planning, null plus an error in the response;
- `masking`: subgraph internals and unknown `extensions` kept from clients in production.

Their settings are sections of the gateway's `Config`, declared in `gateway/config/security.py`.
"""

from gateway.security.authentication import (
    ANONYMOUS,
    Authenticator,
    AuthFailure,
    Claims,
    bearer_token,
)
from gateway.security.authorization import PolicyHook
from gateway.security.guard import Refusal, SecurityGuard

__all__ = [
    "ANONYMOUS",
    "AuthFailure",
    "Authenticator",
    "Claims",
    "PolicyHook",
    "Refusal",
    "SecurityGuard",
    "bearer_token",
]
