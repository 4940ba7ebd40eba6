"""CSRF prevention as Apollo Server does it: refuse requests a browser could send without preflight.

A browser sends a cross-site GET, or a POST with a "simple" content type (`text/plain`, form
encodings), without asking the server first, carrying the victim's cookies. A GraphQL request is
accepted only when it could not have been such a request: its `Content-Type` is something else
(in practice `application/json`), or it carries a header a browser only sends after a CORS
preflight (`apollo-require-preflight`, `x-apollo-operation-name` by default).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CSRF_PREVENTION", "SIMPLE_CONTENT_TYPES", "csrf_refusal"]

CSRF_PREVENTION = "CSRF_PREVENTION"
SIMPLE_CONTENT_TYPES = frozenset(
    {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}
)


def csrf_refusal(headers: Mapping[str, str], preflight_headers: tuple[str, ...]) -> str | None:
    """Why the request is refused as a possible CSRF, or None when it is safe to run."""
    content_type = headers.get("content-type")
    if content_type is not None:
        media = content_type.split(";")[0].strip().lower()
        if media and media not in SIMPLE_CONTENT_TYPES:
            return None
    if any(headers.get(name, "").strip() for name in preflight_headers):
        return None
    names = " or ".join(preflight_headers)
    return (
        "This request has been blocked as a potential Cross-Site Request Forgery (CSRF): "
        f"send Content-Type: application/json, or a non-empty {names} header."
    )
