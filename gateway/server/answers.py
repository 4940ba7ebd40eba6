"""How a request that did not run to a normal answer becomes an HTTP response: a security
refusal, a request cut off by the shutdown deadline, and the status of a request error.

Shared by the HTTP endpoint and the batch answerer, so each rule is written once.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.responses import Response

from gateway.runtime import GatewayResult
from gateway.security import Refusal
from gateway.server.negotiation import GRAPHQL_RESPONSE_JSON
from gateway.server.responses import error_body, graphql_response

__all__ = ["cut_off_by_shutdown", "refused", "status_for"]

log = logging.getLogger("gateway.server")


def cut_off_by_shutdown() -> bool:
    """Whether the server cancelled this request at its shutdown deadline (and only that).

    uvicorn cancels the requests still running when `server.shutdown_timeout` has passed; the
    client then gets a 503 it may retry elsewhere, rather than a dropped connection. The
    cancellation is taken back only when it is the only one pending.
    """
    task = asyncio.current_task()
    if task is None or task.cancelling() != 1:
        return False
    task.uncancel()
    log.warning("a request was cut off by the shutdown deadline (server.shutdown_timeout)")
    return True


def refused(refusal: Refusal, media: str) -> Response:
    """A security refusal (gateway/security/guard.py); status 0 means "a request error"."""
    status = refusal.status or (400 if media == GRAPHQL_RESPONSE_JSON else 200)
    body = error_body(refusal.message, refusal.code, refusal.extensions)
    return graphql_response(body, status, media, refusal.headers)


def status_for(result: GatewayResult, media: str) -> int:
    """400 for a request that never executed, but only where the media type says so."""
    return 400 if result.is_request_error and media == GRAPHQL_RESPONSE_JSON else 200
