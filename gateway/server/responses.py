"""GraphQL responses serialised with orjson, and the error bodies the HTTP layer itself produces.

Errors found before the runtime runs (bad JSON, wrong method, unsupported media type) still
answer in GraphQL's shape, `{"errors": [{"message", "extensions": {"code"}}]}`, so a client has
one format to read whatever went wrong.

Every answer is serialised once, straight to bytes, and its header list is built directly:
Starlette's generic `Response.__init__` would re-derive the content type and scan the headers
on each of the several hundred responses a second a busy gateway sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

from gateway.server.negotiation import JSON

__all__ = [
    "BAD_REQUEST",
    "METHOD_NOT_ALLOWED",
    "NOT_ACCEPTABLE",
    "OUTAGE_CODES",
    "PAYLOAD_TOO_LARGE",
    "RETRY_HEADERS",
    "UNSUPPORTED_MEDIA_TYPE",
    "JsonBytesResponse",
    "error_body",
    "graphql_response",
    "json_response",
    "rate_limit_wait",
    "whole_outage",
]

BAD_REQUEST = "BAD_REQUEST"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
OUTAGE_CODES = frozenset({"SERVICE_UNAVAILABLE", "GATEWAY_TIMEOUT", "SUBGRAPH_CIRCUIT_OPEN"})
"""Codes that mean a dependency is down or too slow: the client should retry, not give up."""
RETRY_HEADERS = {"retry-after": "5"}
"""About one health-check period: long enough for a subgraph or its database to come back."""


def error_body(
    message: str, code: str, extensions: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A GraphQL response holding one request error."""
    return {"errors": [{"message": message, "extensions": {"code": code, **(extensions or {})}}]}


class JsonBytesResponse(Response):
    """Already-serialised JSON with the headers Starlette's `Response` would send, in its order.

    Extra headers come first, then `content-length` and `content-type`, as Starlette does.
    """

    def __init__(
        self,
        content: bytes,
        status_code: int,
        media_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status_code = status_code
        self.background = None
        self.body = content
        self.media_type, content_type = _content_type(media_type)
        raw = [(b"content-length", str(len(content)).encode()), (b"content-type", content_type)]
        if headers:
            extra = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
            raw = extra + raw
        self.raw_headers = raw
        self.graphql_body: Mapping[str, Any] | None = None


_CONTENT_TYPES: dict[str, tuple[str, bytes]] = {}


def _content_type(media_type: str) -> tuple[str, bytes]:
    """`media_type; charset=utf-8` as text and as header bytes, built once per media type."""
    known = _CONTENT_TYPES.get(media_type)
    if known is None:
        full = f"{media_type}; charset=utf-8"
        known = _CONTENT_TYPES[media_type] = (full, full.encode("latin-1"))
    return known


def whole_outage(body: Mapping[str, Any], media_type: str) -> bool:
    """Whether `body` is nothing but an outage: every error has an outage code and no field a value.

    Such an answer goes out as 503 with `Retry-After`. With `application/graphql-response+json`
    the GraphQL-over-HTTP spec requires 2xx whenever `data` is not null, so there only a null
    `data` counts; with `application/json` a `data` whose root fields are all null does too.
    """
    return _nothing_but(body, media_type, OUTAGE_CODES) is not None


def rate_limit_wait(body: Mapping[str, Any], media_type: str) -> int | None:
    """The seconds to wait when `body` is nothing but RATE_LIMITED errors (e.g. accounts'
    sign-in throttle), read as `whole_outage` reads outages; None otherwise. Such an answer
    goes out as 429 with `Retry-After`, the longest `extensions.retryAfter`."""
    extensions = _nothing_but(body, media_type, _RATE_LIMITED)
    if extensions is None:
        return None
    waits = [e.get("retryAfter") for e in extensions]
    return max((w for w in waits if isinstance(w, int) and w > 0), default=1)


_RATE_LIMITED = frozenset({"RATE_LIMITED"})


def _nothing_but(
    body: Mapping[str, Any], media_type: str, codes: frozenset[str]
) -> list[dict[str, Any]] | None:
    """Each error's extensions when every error has one of `codes` and no field has a value."""
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors:
        return None
    found = []
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        if not isinstance(extensions, dict) or extensions.get("code") not in codes:
            return None
        found.append(extensions)
    data = body.get("data")
    if data is None:
        return found
    empty = media_type == JSON and isinstance(data, dict) and all(v is None for v in data.values())
    return found if empty else None


def graphql_response(
    body: Mapping[str, Any],
    status: int,
    media_type: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """`body` as `media_type` (one of the two GraphQL JSON types), UTF-8.

    The body stays on the response as `graphql_body` (a reference, no copy) for telemetry,
    which reads the outcome and error codes from it only when it is on.
    """
    response = JsonBytesResponse(orjson.dumps(body), status, media_type, headers)
    response.graphql_body = body
    return response


def json_response(body: Mapping[str, Any], status: int = 200) -> Response:
    """Plain JSON for the operational endpoints (health, readiness)."""
    return graphql_response(body, status, JSON)
