"""The token scopes of the graph: `session` for sign-in, and what a partner app may be granted.

One list, read by the `@requiresScopes` directives every subgraph prints (so the gateway refuses
a field before planning), by the resolvers' own checks (`auth.require_viewer`, the same rule
again inside each subgraph, so a subgraph reached without the gateway is no weaker), by
registration (an app may only ask for `PARTNER_SCOPES`) and by the consent screen, which shows
each scope's description to the person.

Sign-in tokens carry `session`, which every field admits. A field a partner may read for the
person admits `[["session"], [scope]]`: either group suffices (Apollo's semantics: any group,
all of its scopes). Mutations, subscriptions and every other private field admit
`[["session"]]` only, so no partner scope can ever write or read what was not granted.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "PARTNER_SCOPES",
    "PROFILE_READ",
    "SESSION_ONLY",
    "SESSION_SCOPE",
    "STATUSES_READ",
    "STORIES_READ",
    "partner_readable",
]

SESSION_SCOPE: Final = "session"
"""Only sign-in tokens carry it: the person acting themself, never a partner app."""
STORIES_READ: Final = "stories:read"
STATUSES_READ: Final = "statuses:read"
PROFILE_READ: Final = "profile:read"

PARTNER_SCOPES: Final[dict[str, str]] = {
    PROFILE_READ: "See your email address.",
    STORIES_READ: "See your Facebook and Instagram Stories.",
    STATUSES_READ: "See your WhatsApp Statuses.",
}
"""What an app may ask a person for, and how the consent screen says it."""

SESSION_ONLY: Final[list[list[str]]] = [[SESSION_SCOPE]]
"""`@requiresScopes` of mutations, subscriptions and private fields: sign-in tokens only."""


def partner_readable(scope: str) -> list[list[str]]:
    """`@requiresScopes` of a field a partner granted `scope` may read for the person."""
    return [[SESSION_SCOPE], [scope]]
