"""GraphQL types that the WhatsApp, Facebook and Instagram subgraphs declare identically.

Federation merges same-named value types across subgraphs only when every subgraph declares them
the same way (and marks them `@shareable`), so they are written once here and imported by each
schema rather than copied three times.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from subgraphs.common.link_proofs import IssuedProof

__all__ = ["LinkProof", "Platform", "StoryOrigin"]


@strawberry.enum(description="The platforms a person can link to their Accounts Center.")
class Platform(Enum):
    WHATSAPP = "WHATSAPP"
    FACEBOOK = "FACEBOOK"
    INSTAGRAM = "INSTAGRAM"


@strawberry.federation.type(
    shareable=True, description="Where a cross-posted Story came from (a WhatsApp Status)."
)
class StoryOrigin:
    platform: Platform
    id: strawberry.ID


@strawberry.federation.type(
    shareable=True,
    description=(
        "A one-time code proving that the caller owns a platform account. Give it to Accounts "
        "Center's linkAccount within its lifetime; it works once."
    ),
)
class LinkProof:
    platform: Platform
    account_id: strawberry.ID
    code: str
    expires_at: datetime

    @classmethod
    def from_issued(cls, platform: Platform, issued: IssuedProof) -> LinkProof:
        return cls(
            platform=platform,
            account_id=strawberry.ID(issued.account_id),
            code=issued.code,
            expires_at=issued.expires_at,
        )
