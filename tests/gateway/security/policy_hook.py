"""The `@policy` hook the authorization tests give the gateway (`module:function`).

`readStories` is granted to tokens whose `roles` claim lists `reader`; every other policy is
refused, as the gateway's default does.
"""

from __future__ import annotations

from gateway.security import Claims

__all__ = ["decide"]


def decide(policies: frozenset[str], claims: Claims) -> bool:
    roles = claims.values.get("roles")
    granted = {"readStories"} if isinstance(roles, list) and "reader" in roles else set()
    return policies <= granted
