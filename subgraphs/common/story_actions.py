"""What the Facebook and Instagram mutations do, once, below their (separately named) types.

Each platform's `schema.py` keeps its own GraphQL types; the checks and writes behind
`register*Profile`, `create*Story` and `create*LinkProof` are the same on both, so they live here.
Every check runs before the first write, so a refused call leaves the database unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from subgraphs.common.auth import HasAuth, require_viewer
from subgraphs.common.errors import conflict, not_found
from subgraphs.common.link_proofs import IssuedProof
from subgraphs.common.ownership import load_owned
from subgraphs.common.story_platform import (
    DuplicateError,
    ProfileRecord,
    StoryPlatformRepository,
    StoryRecord,
)
from subgraphs.common.text import check_text

__all__ = ["MAX_CAPTION", "check_text", "create_story", "issue_link_proof", "register_profile"]

MAX_CAPTION = 700


async def register_profile(
    context: HasAuth,
    repository: StoryPlatformRepository,
    handle: str,
    check_handle: Callable[[str], str],
    platform_name: str,
) -> ProfileRecord:
    """The caller's one profile on this platform; CONFLICT if they or the handle have one."""
    viewer = await require_viewer(context)
    checked = check_handle(handle)
    try:
        return await repository.register_profile(viewer.person_id, checked)
    except DuplicateError as exc:
        if exc.field == "owner":
            raise conflict(f"You already have a {platform_name} profile.") from exc
        raise conflict(f"That {exc.field} is taken.") from exc


async def _own_profile(context: HasAuth, repository: StoryPlatformRepository) -> ProfileRecord:
    viewer = await require_viewer(context)
    profiles = await repository.profiles.by_owners([viewer.person_id])
    profile = profiles.get(viewer.person_id)
    if profile is None:
        raise not_found("Register a profile first.")
    return profile


async def create_story(
    context: HasAuth, repository: StoryPlatformRepository, caption: str
) -> StoryRecord:
    """A Story the caller posts on their own profile."""
    await require_viewer(context)
    checked = check_text(caption, "caption", MAX_CAPTION)
    profile = await _own_profile(context, repository)
    return await repository.create_story(profile, checked)


async def issue_link_proof(
    context: HasAuth, repository: StoryPlatformRepository, account_id: str
) -> IssuedProof:
    """A one-time code for the owner of profile `account_id` (NOT_FOUND for anyone else).

    Someone else's profile and a missing one get the same answer, so the proof mutation cannot
    be used to learn which profile ids exist.
    """

    async def profile_by_id(wanted: str) -> ProfileRecord | None:
        return (await repository.profiles.by_ids([wanted])).get(wanted)

    profile = await load_owned(context, profile_by_id, account_id, "accountId")
    if profile is None:
        raise not_found("You have no profile with that id.")
    return await repository.link_proofs.issue(profile.id, profile.owner_id)
