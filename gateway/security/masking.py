"""Error masking for production: what a subgraph says about its internals stays inside.

Every error keeps only the `extensions` keys on the allowlist (by default `code` and
`serviceName`), so stack traces, exception objects and anything else a subgraph attaches are
dropped. An error a subgraph raised without a client-facing code (no code, or
INTERNAL_SERVER_ERROR) also has its message replaced, since that message is the subgraph's own
and may name a database, a host or a line of code.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MASKED_MESSAGE", "mask_errors"]

MASKED_MESSAGE = "An internal error occurred in a subgraph."
_INTERNAL_CODES = frozenset({None, "INTERNAL_SERVER_ERROR"})


def mask_errors(body: dict[str, Any], allowed_extensions: tuple[str, ...]) -> dict[str, Any]:
    """`body` with every error reduced to what a client may see (a new dict; `body` is kept)."""
    errors = body.get("errors")
    if not isinstance(errors, list):
        return body
    return {**body, "errors": [_mask(error, allowed_extensions) for error in errors]}


def _mask(error: Any, allowed: tuple[str, ...]) -> Any:
    if not isinstance(error, dict):
        return error
    extensions = error.get("extensions")
    kept = (
        {k: v for k, v in extensions.items() if k in allowed}
        if isinstance(extensions, dict)
        else {}
    )
    masked = {k: v for k, v in error.items() if k in ("message", "locations", "path")}
    from_subgraph = isinstance(extensions, dict) and "serviceName" in extensions
    if from_subgraph and kept.get("code") in _INTERNAL_CODES:
        masked["message"] = MASKED_MESSAGE
    if kept:
        masked["extensions"] = kept
    return masked
