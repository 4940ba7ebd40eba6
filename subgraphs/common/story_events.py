"""Facebook's and Instagram's subscription event: a new Story, told to the people who may see it.

One channel per platform (`accounts-center:<platform>:story-posted`, payload the Story id), on the
process's shared `EventBus`. A Story is news when it is written: posted directly
(`create<Platform>Story`) or cross-posted from a WhatsApp Status the first time it is delivered
(a retried delivery that finds the Story already there tells nobody again). It is addressed to
the Story's `audience` (today its owner alone: Stories are private), and the stream checks what
it reads with the query rule again, so nobody hears of a Story they could not query.
"""

from __future__ import annotations

from subgraphs.common.events import EventBus
from subgraphs.common.ownership import audience
from subgraphs.common.platform_types import Platform
from subgraphs.common.story_platform import StoryRecord

__all__ = ["announce_story", "story_channel"]


def story_channel(platform: Platform) -> str:
    """The channel of `platform`'s new Stories."""
    return f"accounts-center:{platform.value.lower()}:story-posted"


async def announce_story(events: EventBus, platform: Platform, story: StoryRecord) -> None:
    await events.publish(story_channel(platform), audience(story), story.id)
