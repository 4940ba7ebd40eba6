"""Error masking for production: what a subgraph says about its internals stays inside.

Every error keeps only the `extensions` keys on the allowlist (by default `code` and
`serviceName`), so stack traces, exception objects and anything else a subgraph attaches are
dropped. An error a subgraph raised without a client-facing code (no code, or
INTERNAL_SERVER_ERROR) also has its message replaced, since that message is the subgraph's own
and may name a database, a host or a line of code. The gateway's own transport failures name
the subgraph and nothing else (never its host:port or the HTTP client's text). "Did you mean
...?" suggestions are removed from every message, as Apollo Server's
`hideSchemaDetailsFromClientErrors` does: they let a client map a schema it may not introspect.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["MASKED_MESSAGE", "mask_errors"]

MASKED_MESSAGE = "An internal error occurred in a subgraph."
_INTERNAL_CODES = frozenset({None, "INTERNAL_SERVER_ERROR"})
_TRANSPORT_MESSAGES = {
    "SUBREQUEST_HTTP_ERROR": "HTTP fetch failed from subgraph '{}'.",
    "SUBREQUEST_MALFORMED_RESPONSE": "Subgraph '{}' returned a malformed response.",
}
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


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
    message = masked.get("message")
    if isinstance(message, str) and "Did you mean" in message:
        masked["message"] = _SUGGESTION.sub("", message)
    service = extensions.get("serviceName") if isinstance(extensions, dict) else None
    code = kept.get("code")
    if service is not None and code in _INTERNAL_CODES:
        masked["message"] = MASKED_MESSAGE
    elif service is not None and code in _TRANSPORT_MESSAGES:
        masked["message"] = _TRANSPORT_MESSAGES[code].format(service)
    if kept:
        masked["extensions"] = kept
    return masked
