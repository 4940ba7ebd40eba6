"""Incremental delivery over HTTP: `@defer` answers as `multipart/mixed`, as Apollo Router and
Apollo Server send them (`deferSpec=20220824`), for clients whose `Accept` names it.

Each part is a JSON payload with its own `content-type`; the delimiter follows every part at
once (`---` while more follow, `-----` after the last), so a client can read each part as soon
as it arrives rather than when the next one starts. A client that does not accept multipart
gets the whole answer in one JSON response instead (the runtime plans `@defer` off for it).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import orjson
from starlette.responses import StreamingResponse

from gateway.server.negotiation import multipart_mixed_params

__all__ = ["MULTIPART_MIXED", "MultipartResponse", "accepts_multipart", "multipart_response"]

log = logging.getLogger(__name__)

MULTIPART_MIXED = 'multipart/mixed; boundary="-"; deferSpec=20220824'
_HEAD = b"content-type: application/json; charset=utf-8\r\n\r\n"
_NEXT = b"\r\n---\r\n"
_END = b"\r\n-----\r\n"


def accepts_multipart(accept: str | None) -> bool:
    """Whether `Accept` names `multipart/mixed` (q above 0) with no `deferSpec` or ours."""
    params = multipart_mixed_params(accept)
    return any(p.get("deferspec", "20220824") == "20220824" for p in params)


class MultipartResponse(StreamingResponse):
    """A streamed answer that keeps its first payload for telemetry, as `graphql_response`
    keeps its body, and the payloads still to come, for plugins (`server/plugged.py`), which
    answer with a new response over the same payloads."""

    graphql_body: Mapping[str, Any] | None = None
    rest: AsyncIterator[dict[str, Any]] | None = None


def multipart_response(
    first: dict[str, Any],
    rest: AsyncIterator[dict[str, Any]],
    headers: Mapping[str, str] | None = None,
) -> MultipartResponse:
    """The first payload and the rest as they come, in one streamed response."""
    response = MultipartResponse(
        _parts(first, rest), status_code=200, media_type=MULTIPART_MIXED, headers=headers
    )
    response.graphql_body = first
    response.rest = rest
    return response


async def _parts(
    first: dict[str, Any], rest: AsyncIterator[dict[str, Any]]
) -> AsyncIterator[bytes]:
    yield _NEXT + _HEAD + orjson.dumps(first) + _NEXT
    finished = False
    try:
        async for payload in rest:
            finished = payload.get("hasNext") is False
            yield _HEAD + orjson.dumps(payload) + (_END if finished else _NEXT)
            if finished:
                return
    except Exception:  # a bug must still close the stream in a way clients understand
        log.exception("a deferred part failed while streaming")
    if not finished:
        yield _HEAD + orjson.dumps({"hasNext": False}) + _END
