"""Service-to-service routes under `/internal/*`, and a client for calling them.

These routes are never part of the graph. Every call must carry the shared secret from
`INTERNAL_TOKEN` in `X-Internal-Token` (compared in constant time); without it the answer is 401
and the handler never runs. Bodies are JSON objects; a handler rejects bad input by raising
`InternalBadRequest` (400), so a malformed call cannot reach the database. A database outage is
503 with `Retry-After`, so callers (token checks, cross-posting) report SERVICE_UNAVAILABLE.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar, cast

import aiohttp
import orjson
from pymongo.errors import PyMongoError
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import Route

from subgraphs.common.context import Repository, Services
from subgraphs.common.database import is_database_outage
from subgraphs.common.errors import RETRY_HEADERS
from subgraphs.common.responses import OrjsonResponse

__all__ = [
    "INTERNAL_TOKEN_HEADER",
    "InternalBadRequest",
    "InternalCallError",
    "call_internal",
    "internal_route",
    "require_str",
    "services_of",
]

INTERNAL_TOKEN_HEADER = "X-Internal-Token"
CALL_TIMEOUT = aiohttp.ClientTimeout(total=5)

R = TypeVar("R", bound=Repository)
InternalHandler = Callable[[Mapping[str, Any], Services[R]], Awaitable[Mapping[str, Any]]]


class InternalBadRequest(ValueError):
    """The caller sent a body the handler cannot use (answered with 400)."""


class InternalCallError(RuntimeError):
    """Calling another subgraph's internal route failed (unreachable, or not a 2xx answer)."""


def services_of(request: HTTPConnection) -> Services[Any]:
    """The services the lifespan stored on the app."""
    return cast(Services[Any], request.app.state.services)


def token_ok(request: Request, expected: str) -> bool:
    presented = request.headers.get(INTERNAL_TOKEN_HEADER, "")
    return bool(expected) and hmac.compare_digest(presented.encode(), expected.encode())


async def _payload(request: Request) -> Mapping[str, Any]:
    if request.method == "GET":
        return {}
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise InternalBadRequest("the body is not JSON") from exc
    if not isinstance(body, dict):
        raise InternalBadRequest("the body must be a JSON object")
    return body


def internal_route(
    path: str, handler: InternalHandler[R], methods: tuple[str, ...] = ("POST",)
) -> Route:
    """A Starlette route that checks the internal token, then runs `handler(payload, services)`."""

    async def endpoint(request: Request) -> Response:
        services = cast(Services[R], services_of(request))
        if not token_ok(request, services.settings.internal_token):
            return OrjsonResponse({"error": "missing or wrong internal token"}, status_code=401)
        try:
            result = await handler(await _payload(request), services)
        except InternalBadRequest as exc:
            return OrjsonResponse({"error": str(exc)}, status_code=400)
        except PyMongoError as exc:
            if not is_database_outage(exc):
                raise
            body = {"error": "the database is unavailable"}
            return OrjsonResponse(body, status_code=503, headers=RETRY_HEADERS)
        return OrjsonResponse(dict(result))

    return Route(path, endpoint, methods=list(methods))


def require_str(payload: Mapping[str, Any], key: str, *, max_length: int = 200) -> str:
    """`payload[key]` as a non-empty string of at most `max_length` characters."""
    value = payload.get(key)
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise InternalBadRequest(f"'{key}' must be a non-empty string of at most {max_length}")
    return value


async def call_internal(
    session: aiohttp.ClientSession,
    base_url: str,
    path: str,
    payload: Mapping[str, Any],
    internal_token: str,
) -> dict[str, Any]:
    """POST `payload` to another subgraph's internal route and return its JSON object."""
    url = f"{base_url.rstrip('/')}{path}"
    try:
        async with session.post(
            url,
            data=orjson.dumps(dict(payload)),
            headers={INTERNAL_TOKEN_HEADER: internal_token, "Content-Type": "application/json"},
            timeout=CALL_TIMEOUT,
        ) as response:
            body = await response.read()
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise InternalCallError(f"{url} is unreachable: {exc}") from exc
    if status // 100 != 2:
        raise InternalCallError(f"{url} answered {status}: {body[:200]!r}")
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InternalCallError(f"{url} answered with something that is not JSON") from exc
    if not isinstance(parsed, dict):
        raise InternalCallError(f"{url} answered with JSON that is not an object")
    return parsed
