"""Reading GraphQL-over-HTTP request parameters from a GET query string or a POST JSON body.

Every way a request can be malformed (bad JSON, a body that is too big, `variables` that is not
an object, an unsupported `Content-Type`) becomes a `RequestProblem` value carrying the HTTP
status and the error code, so the endpoint answers with a GraphQL error and never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request

from gateway.runtime import GraphQLRequest
from gateway.server.responses import BAD_REQUEST, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE

__all__ = ["BatchPayload", "RequestProblem", "from_get", "from_json", "from_post", "read_body"]

_JSON_TYPES = frozenset({"application/json"})


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestProblem:
    """Why a request could not be read: the message, its code and the HTTP status to use."""

    message: str
    code: str = BAD_REQUEST
    status: int = 400


@dataclass(frozen=True, slots=True)
class BatchPayload:
    """A POST body that is a JSON array: a client batch, answered by `server/batch.py`."""

    items: tuple[object, ...]


def _decode_json_param(name: str, raw: str | None) -> Mapping[str, Any] | RequestProblem | None:
    if raw is None or raw == "":
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return RequestProblem(message=f"The `{name}` parameter is not valid JSON.")
    return _object_or_null(name, value)


def _object_or_null(name: str, value: object) -> Mapping[str, Any] | RequestProblem | None:
    if value is None or isinstance(value, dict):
        return value
    return RequestProblem(message=f"The `{name}` parameter must be a JSON object.")


def _persisted(extensions: object) -> bool:
    return isinstance(extensions, Mapping) and isinstance(extensions.get("persistedQuery"), dict)


def _build(
    query: object, operation_name: object, variables: object, extensions: object
) -> GraphQLRequest | RequestProblem:
    # A persisted-query id or APQ hash may stand for the document (gateway/security/persisted.py).
    if not isinstance(query, str) and not (query is None and _persisted(extensions)):
        message = "The `query` parameter is required and must be a string."
        if query is None:
            message = "The request has no `query`: send a GraphQL document in `query`."
        return RequestProblem(message=message)
    if operation_name is not None and not isinstance(operation_name, str):
        return RequestProblem(message="The `operationName` parameter must be a string.")
    for checked in (variables, extensions):
        if isinstance(checked, RequestProblem):
            return checked
    return GraphQLRequest(
        query=query if isinstance(query, str) else None,
        operation_name=operation_name or None,
        variables=variables if isinstance(variables, Mapping) else None,
        extensions=extensions if isinstance(extensions, Mapping) else None,
    )


def from_get(params: Mapping[str, str]) -> GraphQLRequest | RequestProblem:
    """The request a GET query string carries; `variables`/`extensions` are JSON-encoded."""
    return _build(
        params.get("query"),
        params.get("operationName"),
        _decode_json_param("variables", params.get("variables")),
        _decode_json_param("extensions", params.get("extensions")),
    )


def from_post(
    content_type: str | None, body: bytes
) -> GraphQLRequest | BatchPayload | RequestProblem:
    """The request a POST body carries (or the batch, a JSON array); only JSON is accepted."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in _JSON_TYPES:
        shown = media or "none"
        return RequestProblem(
            message=f"Unsupported Content-Type '{shown}': send the request as application/json.",
            code=UNSUPPORTED_MEDIA_TYPE,
            status=415,
        )
    if not body.strip():
        return RequestProblem(message="The request body is empty: send a JSON object.")
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        return RequestProblem(message=f"The request body is not valid JSON: {error}.")
    if isinstance(payload, list):
        return BatchPayload(tuple(payload))
    return from_json(payload)


def from_json(payload: object) -> GraphQLRequest | RequestProblem:
    """The request one decoded JSON value carries: a POST body, one item of a batch, or a
    WebSocket `subscribe` message's payload."""
    if not isinstance(payload, dict):
        return RequestProblem(message="The request body must be a JSON object.")
    return _build(
        payload.get("query"),
        payload.get("operationName"),
        _object_or_null("variables", payload.get("variables")),
        _object_or_null("extensions", payload.get("extensions")),
    )


async def read_body(request: Request, limit: int) -> bytes | RequestProblem:
    """The whole body, refusing more than `limit` bytes without reading all of it.

    Reads the ASGI messages itself: a GraphQL body nearly always arrives in one message, which
    is then returned as is, with no async generator and no join.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return _too_large(limit)
    receive = request.receive
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # http.disconnect
            return RequestProblem(message="The client disconnected before sending the whole body.")
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return _too_large(limit)
        if not message.get("more_body", False):
            if not chunks:
                return chunk
            chunks.append(chunk)
            return b"".join(chunks)
        chunks.append(chunk)


def _too_large(limit: int) -> RequestProblem:
    return RequestProblem(
        message=f"The request body is larger than the limit of {limit} bytes.",
        code=PAYLOAD_TOO_LARGE,
        status=413,
    )
