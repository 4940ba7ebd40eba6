"""Who lives in the demo world: a few people, some linked and some not.

Plain data, so the README, `make run`'s banner and the loader all name the same people.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEMO_PASSWORD", "DEMO_PEOPLE", "DEMO_PERSON", "DemoPerson", "DemoStatus"]

DEMO_PASSWORD = "demo-password-2024"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoStatus:
    """A WhatsApp Status; `cross_post` shares it along the person's enabled routes."""

    text: str
    cross_post: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoPerson:
    """One person and everything the loader makes sure they have."""

    email: str
    display_name: str
    region: str
    phone_number: str
    facebook_name: str | None = None
    instagram_username: str | None = None
    linking_enabled: bool = False
    linked: tuple[str, ...] = ()  # platforms linked to the person
    routes: tuple[str, ...] = ()  # platforms WhatsApp Status is shared to
    statuses: tuple[DemoStatus, ...] = ()
    stickers: tuple[str, ...] = ()
    avatar_url: str | None = None
    profile_photos: tuple[tuple[str, str], ...] = ()  # (platform, the account's own photo)
    business: bool = False
    password: str = DEMO_PASSWORD


DEMO_PERSON = DemoPerson(
    email="ada@example.com",
    display_name="Ada Lovelace",
    region="EU",
    phone_number="+447700900001",
    facebook_name="Ada Lovelace",
    instagram_username="ada.lovelace",
    linking_enabled=True,
    linked=("WHATSAPP", "FACEBOOK", "INSTAGRAM"),
    routes=("FACEBOOK", "INSTAGRAM"),
    statuses=(
        DemoStatus(text="The Analytical Engine weaves algebraic patterns.", cross_post=True),
        DemoStatus(text="Tea, then more notes on Bernoulli numbers.", cross_post=False),
    ),
    stickers=("Waving llama", "Thumbs-up robot", "Steaming teacup", "Confetti cat"),
    avatar_url="https://avatars.example.com/ada.png",
)

DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DEMO_PERSON,
    DemoPerson(
        email="grace@example.com",
        display_name="Grace Hopper",
        region="US",
        phone_number="+12025550102",
        facebook_name="Grace Hopper",
        linking_enabled=True,
        linked=("WHATSAPP", "FACEBOOK"),
        routes=("FACEBOOK",),
        statuses=(DemoStatus(text="Found a moth in relay 70.", cross_post=True),),
        stickers=("Nanosecond wire",),
        avatar_url="https://avatars.example.com/grace.png",
    ),
    DemoPerson(
        email="alan@example.com",
        display_name="Alan Turing",
        region="EU",
        phone_number="+447700900003",
        instagram_username="alan.t",
        profile_photos=(("WHATSAPP", "https://photos.example.com/alan-whatsapp.png"),),
        statuses=(DemoStatus(text="Out for a long run.", cross_post=False),),
    ),
    DemoPerson(
        email="bakery@example.com",
        display_name="Babbage Bakery",
        region="BR",
        phone_number="+5511955550104",
        facebook_name="Babbage Bakery",
        instagram_username="babbage.bakery",
        linking_enabled=True,
        linked=("WHATSAPP", "FACEBOOK", "INSTAGRAM"),
        routes=("FACEBOOK", "INSTAGRAM"),
        statuses=(DemoStatus(text="Fresh difference-engine loaves at 8am.", cross_post=True),),
        business=True,
    ),
)
