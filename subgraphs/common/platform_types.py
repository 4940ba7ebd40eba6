"""GraphQL types that the WhatsApp, Facebook and Instagram subgraphs declare identically.

Federation merges same-named value types across subgraphs only when every subgraph declares them
the same way (and marks them `@shareable`), so they are written once here and imported by each
schema rather than copied three times.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

import strawberry
from strawberry.types.field import StrawberryField

from subgraphs.common.auth import HasAuth
from subgraphs.common.link_proofs import IssuedProof
from subgraphs.common.ownership import load_owned, require_owner
from subgraphs.common.profile_photo import ProfilePhoto
from subgraphs.common.schema import resolver

__all__ = ["LinkProof", "OwnedNode", "Platform", "StoryOrigin", "photo_fields"]


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


class _WithPhoto(Protocol):
    @property
    def owner_id(self) -> str: ...

    @property
    def photo(self) -> ProfilePhoto | None: ...


async def _own_photo(root: Any, context: HasAuth) -> ProfilePhoto | None:
    record: _WithPhoto = root.record
    await require_owner(context, record.owner_id, "this profile")
    return record.photo


def photo_fields() -> tuple[StrawberryField, StrawberryField]:
    """`photoUrl` and `photoUpdatedAt` for a profile type whose `record` has a `photo`.

    New field objects per call: Strawberry binds a field to the one type that declares it. They
    are scalars (not an object) so that accounts can `@requires` them for `avatar`.
    """

    @resolver(description="The profile's own photo, shown while it is not linked (private).")
    async def photo_url(root: Any, info: strawberry.Info[Any, Any]) -> str | None:
        photo = await _own_photo(root, info.context)
        return None if photo is None else photo.image_url

    @resolver(description="When the profile's own photo was set.")
    async def photo_updated_at(root: Any, info: strawberry.Info[Any, Any]) -> datetime | None:
        photo = await _own_photo(root, info.context)
        return None if photo is None else photo.updated_at

    return photo_url, photo_updated_at  # type: ignore[return-value]


class _Node(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def owner_id(self) -> str: ...


NodeRecord = TypeVar("NodeRecord", bound=_Node)


class OwnedNode(Generic[NodeRecord]):
    """What every private entity type of the platforms shares, over the record behind it.

    A mixin, not a GraphQL type: each entity declares `id` and `record:
    strawberry.Private[...]` itself, names what it is in `WHAT` ("this story") for the
    FORBIDDEN message, and resolves references through `load_reference` with its own loader.
    """

    WHAT: ClassVar[str]
    READ_SCOPE: ClassVar[str | None] = None
    """The partner scope that may read this node for its owner (None: the owner's sign-in)."""
    record: NodeRecord

    @classmethod
    def from_record(cls, record: NodeRecord) -> Self:
        return cls(id=strawberry.ID(record.id), record=record)  # type: ignore[call-arg]

    @classmethod
    async def load_reference(
        cls, context: HasAuth, load: Callable[[str], Awaitable[NodeRecord | None]], id: object
    ) -> Self | None:
        """The caller's own node with this id, or None (missing and not theirs alike)."""
        record = await load_owned(context, load, id, scope=cls.READ_SCOPE)
        return None if record is None else cls.from_record(record)

    async def _own(self, info: strawberry.Info[Any, Any], scope: str | None = None) -> NodeRecord:
        """The record, for its owner (a partner too, granted `scope` or `READ_SCOPE`)."""
        await require_owner(info.context, self.record.owner_id, self.WHAT, scope or self.READ_SCOPE)
        return self.record
