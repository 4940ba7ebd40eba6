"""The private entity types of the platform subgraphs, over the record behind each one.

WhatsApp's account and Status, and Facebook's and Instagram's profile and Story, are the same
kind of thing: a node with an `id`, a private record, and fields only its owner may read. What
that takes is written here once:

- `OwnedNode`: the base of every such type (`id`, the private `record`, `from_record`, the owner
  check `_own`);
- `ProfileNode` and `PostNode`: a person's profile on a platform and the posts on it, each
  resolving its entity references and its link to the other through `PlatformLoaders`;
- `profile_fields`: `photoUrl`, `photoUpdatedAt` and `person`, which every profile type has;
- `OwnedFields`: declares one owner-checked field in one line, `caption: str =
  STORY.field(lambda story: story.caption)`. The lambda is typed by the record and its result
  by the annotation beside it, so mypy checks both, as it does a resolver written out; the
  GraphQL type is the annotation, as for any Strawberry field with a `resolver=`.

The base is a plain dataclass, not a GraphQL type: its fields become the subclass's own when
Strawberry turns the subclass into a dataclass, `id` first, so the printed SDL is what a type
declaring them itself prints. (So this module does without `from __future__ import
annotations`: Strawberry must see `record`'s annotation as `Private`, not as a string.)
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

import strawberry
from strawberry.types.field import StrawberryField

from subgraphs.common.auth import HasAuth
from subgraphs.common.context import RequestContext
from subgraphs.common.ownership import load_owned, require_owner, require_self
from subgraphs.common.platform_loaders import PlatformLoaders
from subgraphs.common.platform_types import photo_fields

__all__ = ["OwnedFields", "OwnedNode", "PostNode", "ProfileNode", "profile_fields"]


class _Node(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def owner_id(self) -> str: ...


class _Post(_Node, Protocol):
    @property
    def profile_id(self) -> str: ...


NodeRecord = TypeVar("NodeRecord", bound=_Node)
P = TypeVar("P", bound=_Node)
T = TypeVar("T", bound=_Post)
N = TypeVar("N")
V = TypeVar("V")

PlatformInfo = strawberry.Info[RequestContext[Any, PlatformLoaders[P, T]], Any]
"""The `info` of a platform subgraph's resolvers, as far as these types need it."""


@dataclass(kw_only=True)
class OwnedNode(Generic[NodeRecord]):
    """What every private entity type of the platforms shares.

    Each entity names what it is in `WHAT` ("this story") for the FORBIDDEN message.
    """

    WHAT: ClassVar[str]
    READ_SCOPE: ClassVar[str | None] = None
    """The partner scope that may read this node for its owner (None: the owner's sign-in)."""
    id: strawberry.ID
    record: strawberry.Private[NodeRecord]

    @classmethod
    def from_record(cls, record: NodeRecord) -> Self:
        return cls(id=strawberry.ID(record.id), record=record)

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


class ProfileNode(OwnedNode[P], Generic[P, T]):
    """A person's profile on a platform (a WhatsApp account): one per person, holding posts."""

    @classmethod
    async def resolve_reference(cls, info: PlatformInfo[P, T], id: strawberry.ID) -> Self | None:
        return await cls.load_reference(info.context, info.context.loaders.profile_by_id.load, id)

    @classmethod
    async def of_person(
        cls, info: PlatformInfo[P, T], person_id: str, scope: str | None = None
    ) -> Self | None:
        """`Person.<platform>`: the caller's own profile (FORBIDDEN for another person's); a
        partner app's token too when granted `scope`."""
        await require_self(info.context, person_id, scope)
        record = await info.context.loaders.profile_by_owner.load(person_id)
        return None if record is None else cls.from_record(record)

    async def _posts(
        self, info: PlatformInfo[P, T], node: Callable[[T], N], scope: str | None = None
    ) -> list[N]:
        """The posts on this profile, newest first, as nodes (owner, or a partner granted
        `scope`)."""
        own = await self._own(info, scope)
        records = await info.context.loaders.posts_by_profile.load(own.id)
        return [node(record) for record in records]


class _PersonType(Protocol):
    """A subgraph's `Person` entity type: built from its id alone."""

    def __call__(self, *, id: strawberry.ID) -> object: ...


def profile_fields(
    person: _PersonType, what: str
) -> tuple[StrawberryField, StrawberryField, StrawberryField]:
    """`photoUrl`, `photoUpdatedAt` and `person` (the owner as the subgraph's `Person`), which
    every profile type declares after its own fields: `photo_url, photo_updated_at, person =
    profile_fields(Person, WHAT)`. `what` is the type's `WHAT`, for the description.

    New field objects per call: Strawberry binds a field to the one type that declares it.
    """

    async def owner(self: OwnedNode[Any], info: strawberry.Info[Any, Any]) -> object:
        return person(id=strawberry.ID((await self._own(info)).owner_id))

    description = f"The Accounts Center person who owns {what}."
    owner_field = strawberry.federation.field(
        resolver=owner, graphql_type=person, description=description
    )
    return (*photo_fields(), owner_field)


class PostNode(OwnedNode[T], Generic[T, P]):
    """A post on a profile (a Status, a Story)."""

    @classmethod
    async def resolve_reference(cls, info: PlatformInfo[P, T], id: strawberry.ID) -> Self | None:
        return await cls.load_reference(info.context, info.context.loaders.post_by_id.load, id)

    async def _profile(self, info: PlatformInfo[P, T], node: Callable[[P], N]) -> N | None:
        """The profile this post is on, as a node (owner only); None once it is gone."""
        record = await info.context.loaders.profile_by_id.load((await self._own(info)).profile_id)
        return None if record is None else node(record)


class OwnedFields(Generic[NodeRecord]):
    """Owner-checked fields over one record type: `OwnedFields(StoryRecord)`."""

    def __init__(self, record: type[NodeRecord]) -> None:
        self.record = record

    def field(self, read: Callable[[NodeRecord], V], **options: Any) -> V:
        """A field whose value is `read(record)`, after the caller is checked as the owner.

        `options` are `strawberry.federation.field`'s (`description=`, `name=`, directives).
        Typed as its value, like `strawberry.field(resolver=...)`, so that the annotation it is
        assigned to must match what `read` returns.
        """

        async def resolve(self: OwnedNode[NodeRecord], info: strawberry.Info[Any, Any]) -> Any:
            return read(await self._own(info))

        field: V = strawberry.federation.field(resolver=resolve, **options)
        return field
