"""GraphQL responses serialised with orjson, and the error bodies the HTTP layer itself produces.

Errors found before the runtime runs (bad JSON, wrong method, unsupported media type) still
answer in GraphQL's shape, `{"errors": [{"message", "extensions": {"code"}}]}`, so a client has
one format to read whatever went wrong.
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
    "PAYLOAD_TOO_LARGE",
    "UNSUPPORTED_MEDIA_TYPE",
    "error_body",
    "graphql_response",
    "json_response",
]

BAD_REQUEST = "BAD_REQUEST"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"


def error_body(message: str, code: str) -> dict[str, Any]:
    """A GraphQL response holding one request error."""
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def graphql_response(
    body: Mapping[str, Any],
    status: int,
    media_type: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """`body` as `media_type` (one of the two GraphQL JSON types), UTF-8."""
    return Response(
        content=orjson.dumps(body),
        status_code=status,
        headers=dict(headers or {}),
        media_type=f"{media_type}; charset=utf-8",
    )


def json_response(body: Mapping[str, Any], status: int = 200) -> Response:
    """Plain JSON for the operational endpoints (health, readiness)."""
    return graphql_response(body, status, JSON)
