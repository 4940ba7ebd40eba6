"""Content negotiation for GraphQL-over-HTTP: which media type answers, read from `Accept`.

The spec's two JSON media types differ only in status codes: `application/graphql-response+json`
says 4xx when a request never executed, `application/json` (for older clients) says 200. The
new type answers only a client that names it: with no `Accept` header, or one that reaches
both types only through a wildcard (`*/*`, `application/*`), the spec says a server SHOULD
answer `application/json`, which every client can read. When both are named equally, the
new type wins. `text/html` counts only when a browser names it, so GraphiQL
opens for people and never for a `fetch()` sending `*/*`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "EVENT_STREAM",
    "GRAPHQL_RESPONSE_JSON",
    "HTML",
    "JSON",
    "Choice",
    "negotiate",
    "parse_accept",
    "wants_event_stream",
]

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
HTML = "text/html"
EVENT_STREAM = "text/event-stream"


@dataclass(frozen=True, slots=True)
class _Range:
    """One entry of `Accept`: a media range and its quality."""

    media: str
    quality: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """The negotiated answer: a JSON media type (None when nothing fits) and whether HTML wins."""

    media_type: str | None
    wants_html: bool


def parse_accept(header: str | None) -> tuple[_Range, ...]:
    """`Accept` as (media range, q) pairs; a malformed q counts as 0 (not acceptable)."""
    ranges: list[_Range] = []
    for part in (header or "").split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(_Range(media.lower(), quality))
    return tuple(ranges)


def _quality(ranges: tuple[_Range, ...], media: str, *, wildcards: bool = True) -> float:
    """The quality of the most specific range matching `media` (0 when none does)."""
    kind = media.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for entry in ranges:
        if entry.media == media:
            rank = 2
        elif wildcards and entry.media == f"{kind}/*":
            rank = 1
        elif wildcards and entry.media == "*/*":
            rank = 0
        else:
            continue
        if rank > best[0]:
            best = (rank, entry.quality)
    return best[1]


@lru_cache(maxsize=256)  # clients send a handful of distinct Accept values, over and over
def negotiate(accept: str | None) -> Choice:
    """Pick the response media type for a request with this `Accept` header."""
    if accept is None or not accept.strip():
        return Choice(media_type=JSON, wants_html=False)
    ranges = parse_accept(accept)
    modern = _quality(ranges, GRAPHQL_RESPONSE_JSON)
    if not _quality(ranges, GRAPHQL_RESPONSE_JSON, wildcards=False):
        modern = 0.0  # reached only through a wildcard: the legacy type is the safe answer
    legacy = _quality(ranges, JSON)
    html = _quality(ranges, HTML, wildcards=False)
    json_quality = max(modern, legacy)
    media_type: str | None = None
    if json_quality > 0:
        media_type = GRAPHQL_RESPONSE_JSON if modern >= legacy else JSON
    return Choice(media_type=media_type, wants_html=html > 0 and html >= json_quality)


def wants_event_stream(accept: str | None) -> bool:
    """Whether the client asks for Server-Sent Events (graphql-sse clients name the type)."""
    return any(r.media == EVENT_STREAM and r.quality > 0 for r in parse_accept(accept))


def multipart_mixed_params(accept: str | None) -> list[dict[str, str]]:
    """The parameters (lower-cased names, unquoted values) of each `multipart/mixed` range of
    `Accept` with a quality above 0: what `@defer` and multipart subscriptions each look for
    (`deferSpec`, `subscriptionSpec`)."""
    found: list[dict[str, str]] = []
    for entry in (accept or "").split(","):
        media, *params = (piece.strip() for piece in entry.split(";"))
        if media.lower() != "multipart/mixed":
            continue
        values: dict[str, str] = {}
        for param in params:
            name, _, value = param.partition("=")
            values[name.strip().lower()] = value.strip().strip('"')
        try:
            quality = float(values.get("q", "1"))
        except ValueError:
            quality = 0.0
        if quality > 0:
            found.append(values)
    return found
