"""`Cache-Control` of a subgraph answer read as the entity cache needs it: how long, and whose.

As in Apollo Router: `max-age` (or `s-maxage`, which speaks to shared caches like this one)
sets the TTL and the configured TTL stands in when there is none; `no-store` and `no-cache`
keep the answer out; `private` keeps it only under the caller's subject. An answer without
the header, to a request that carried credentials, counts as private: the subgraph saw who
asked and said nothing about sharing, so sharing it could leak one person's data to another.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Storability", "read_cache_control"]


@dataclass(frozen=True, slots=True)
class Storability:
    """Whether and how an answer may be kept: `ttl` seconds (0: not at all), `private`."""

    ttl: float
    private: bool


def read_cache_control(header: str | None, default_ttl: float, credentials: bool) -> Storability:
    """What `header` allows; `credentials` says whether the request carried any."""
    if header is None:
        return Storability(default_ttl, credentials)
    max_age: float | None = None
    shared_max_age: float | None = None
    private = False
    for part in header.lower().split(","):
        name, _, value = part.strip().partition("=")
        if name in ("no-store", "no-cache"):
            return Storability(0.0, False)
        if name == "private":
            private = True
        elif name == "max-age":
            max_age = _seconds(value)
        elif name == "s-maxage":
            shared_max_age = _seconds(value)
    ttl = shared_max_age if shared_max_age is not None and not private else max_age
    return Storability(default_ttl if ttl is None else ttl, private)


def _seconds(value: str) -> float:
    """A delta-seconds value; a malformed one means "stale now" (RFC 9111, 4.2.1)."""
    value = value.strip().strip('"')
    return float(value) if value.isdigit() else 0.0
