"""The per-request DataLoaders of a platform subgraph: profiles, and the posts on them.

WhatsApp (accounts and Statuses) and Facebook and Instagram (profiles and Stories) have the same
four: a profile by id and by owner, a post by id and a profile's posts. They are built here once,
over the repository's `OwnedRecords` and `ChildRecords`, and typed by the records, so a resolver
that loads a WhatsApp account gets an `AccountRecord` and mypy knows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from aiodataloader import DataLoader

from subgraphs.common.keyed_loader import keyed_loader
from subgraphs.common.record_reads import ChildRecords, OwnedRecords

__all__ = ["PlatformLoaders"]

P = TypeVar("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformLoaders(Generic[P, T]):
    """One loader per key; `P` is the profile's record (a WhatsApp account), `T` the post's."""

    profile_by_id: DataLoader[str, P | None]
    profile_by_owner: DataLoader[str, P | None]
    post_by_id: DataLoader[str, T | None]
    posts_by_profile: DataLoader[str, list[T]]

    @classmethod
    def build(cls, profiles: OwnedRecords[P], posts: ChildRecords[T]) -> PlatformLoaders[P, T]:
        no_profile: P | None = None
        no_post: T | None = None
        no_posts: list[T] = []
        return cls(
            profile_by_id=keyed_loader(profiles.by_ids, no_profile),
            profile_by_owner=keyed_loader(profiles.by_owners, no_profile),
            post_by_id=keyed_loader(posts.by_ids, no_post),
            posts_by_profile=keyed_loader(posts.by_parents, no_posts),
        )
