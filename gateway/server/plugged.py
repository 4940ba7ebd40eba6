"""The server's side of plugins: the request hooks around the endpoint, at two call sites.

`GraphQLEndpoint` calls in here only when a plugin has a request hook (it decides once, when
it is built): `around` wraps the whole request (scope, `on_request`, then `on_error` and
`on_response` on the answer) and `before_execution` runs `on_operation` and `on_plan` between
the security checks and `Gateway.execute`. `on_plan` asks the gateway for the plan ahead of
execution (`Gateway.planned`, cached per document, as tracing does), so it costs no second
planning.

The answer's body is read from the response (`graphql_body`, as telemetry reads it) and, when
a hook changed something, serialised again with the same status, media type and headers:
that second serialisation is only paid with an `on_error` or `on_response` hook loaded. A
`@defer` answer streamed in parts goes to `plugged_stream.py`, which hooks every part.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import orjson
from starlette.requests import Request
from starlette.responses import Response

from gateway.documents import Planned, Runnable
from gateway.plugins import (
    ErrorInfo,
    IncomingRequest,
    OperationInfo,
    OutgoingResponse,
    PlanInfo,
    PluginChain,
    PluginRefusal,
    RequestScope,
    current_scope,
    enter_scope,
    leave_scope,
)
from gateway.runtime import Gateway, GraphQLRequest
from gateway.security import Refusal
from gateway.server.batch import BatchResponse
from gateway.server.multipart import MultipartResponse
from gateway.server.negotiation import JSON, negotiate
from gateway.server.plugged_stream import finish_stream
from gateway.server.responses import JsonBytesResponse, error_body, graphql_response

__all__ = ["around", "before_execution", "refusal_of"]

Handler = Callable[[Request], Awaitable[Response]]
_R = TypeVar("_R", bound=JsonBytesResponse)
_OWN_HEADERS = frozenset({b"content-length", b"content-type"})


def refusal_of(refused: PluginRefusal) -> Refusal:
    """A plugin's refusal as the endpoint answers security refusals."""
    return Refusal(
        message=refused.message,
        code=refused.code,
        status=refused.status,
        extensions=refused.extensions,
    )


async def around(chain: PluginChain, request: Request, handler: Handler) -> Response:
    """Answer `request` with `handler` inside the plugins' scope and request hooks."""
    scope = RequestScope(
        method=request.method,
        path=request.scope["path"],  # not `request.url`: that parses the whole URL
        headers=request.headers,
        client=request.client.host if request.client is not None else None,
    )
    token = enter_scope(scope)
    try:
        refused = await chain.request(IncomingRequest(scope=scope)) if chain.on_request else None
        if refused is None:
            response = await handler(request)
        else:
            body = error_body(refused.message, refused.code, refused.extensions)
            media = negotiate(request.headers.get("accept")).media_type or JSON
            response = graphql_response(body, refused.status, media)
        if chain.on_error or chain.on_response:
            response = await _finish(chain, scope, response)
        elif chain.touches_subgraphs and isinstance(response, MultipartResponse):
            response = await finish_stream(chain, scope, response) or _failed()
        return response
    finally:
        leave_scope(token)


async def before_execution(
    chain: PluginChain,
    gateway: Gateway,
    parsed: GraphQLRequest,
    operation: Runnable,
    labels: frozenset[str],
) -> Refusal | None:
    """`on_operation`, then `on_plan` with the plan the request will run."""
    scope = current_scope()
    if scope is None:  # `around` and the streaming transports enter one before calling this
        return None
    prepared = operation.prepared
    scope.operation_name = parsed.operation_name or _name_of(operation)
    if chain.on_operation:
        info = OperationInfo(
            scope=scope,
            query=parsed.query or "",
            operation_name=scope.operation_name,
            variables=parsed.variables or {},
            kind=prepared.kind,
        )
        refused = await chain.operation(info)
        if refused is not None:
            return refusal_of(refused)
    if chain.on_plan:
        planned = gateway.planned(operation, labels)
        if isinstance(planned, Planned):
            refused = await chain.plan(PlanInfo(scope=scope, plan=planned.plan))
            if refused is not None:
                return refusal_of(refused)
    return None


def _name_of(operation: Runnable) -> str | None:
    name = operation.prepared.operation.name
    return name.value if name is not None else None


async def _finish(chain: PluginChain, scope: RequestScope, response: Response) -> Response:
    """`on_error` and `on_response` on a GraphQL answer (GraphiQL's page is left alone)."""
    if isinstance(response, MultipartResponse):  # `@defer`: hooks on every part as it comes
        streamed = await finish_stream(chain, scope, response)
        return streamed if streamed is not None else _failed()
    if isinstance(response, BatchResponse):
        return await _finish_batch(chain, scope, response)
    body: Mapping[str, Any] | None = getattr(response, "graphql_body", None)
    if body is None:
        return response
    hooked = await _hook_one(chain, scope, response.status_code, body)
    if hooked is None:
        return _failed()
    changed, outgoing = hooked
    errors, extensions = body.get("errors"), body.get("extensions")
    if changed.get("errors") is errors and outgoing.extensions == (extensions or {}):
        if not outgoing.headers:
            return response
        content = bytes(response.body)
    elif changed.get("errors") is errors and not extensions and _content_is_object(response):
        # Only extensions were added: spliced in after the body's last member, rather than
        # serialising a response of perhaps hundreds of kilobytes again.
        content = (
            bytes(response.body)[:-1] + b',"extensions":' + orjson.dumps(outgoing.extensions) + b"}"
        )
        changed["extensions"] = outgoing.extensions
    else:
        _set_extensions(changed, outgoing.extensions)
        content = orjson.dumps(changed)
    rebuilt = _rebuilt(response, content, outgoing.headers, JsonBytesResponse)
    rebuilt.graphql_body = changed
    return rebuilt


async def _hook_one(
    chain: PluginChain, scope: RequestScope, status: int, body: Mapping[str, Any]
) -> tuple[dict[str, Any], OutgoingResponse] | None:
    """`on_error` (when `body` has errors), then `on_response`: the body with the hooks' errors
    (`errors` left as the same object when no hook ran) and what `on_response` left; None
    when a hook failed."""
    changed: dict[str, Any] = dict(body)
    errors = body.get("errors")
    if chain.on_error and isinstance(errors, list) and errors:
        info = ErrorInfo(scope=scope, status=status, errors=[dict(e) for e in errors])
        if not await chain.error(info):
            return None
        changed["errors"] = info.errors
    extensions = body.get("extensions")
    outgoing = OutgoingResponse(
        scope=scope,
        status=status,
        body=body,
        extensions=dict(extensions) if isinstance(extensions, dict) else {},
        headers={},
    )
    if chain.on_response and not await chain.response(outgoing):
        return None
    return changed, outgoing


async def _finish_batch(
    chain: PluginChain, scope: RequestScope, response: BatchResponse
) -> Response:
    """A batch: the hooks on the way out once per item (each item is an answer of its own),
    their headers merged into the one response."""
    items: list[dict[str, Any]] = []
    headers: dict[str, str] = {}
    for body in response.items:
        hooked = await _hook_one(chain, scope, response.status_code, body)
        if hooked is None:
            return _failed()
        changed, outgoing = hooked
        _set_extensions(changed, outgoing.extensions)
        headers.update(outgoing.headers)
        items.append(changed)
    rebuilt = _rebuilt(response, orjson.dumps(items), headers, BatchResponse)
    errors = [error for body in items for error in body.get("errors", ())]
    rebuilt.graphql_body = {"errors": errors} if errors else {"data": {}}
    rebuilt.items = tuple(items)
    return rebuilt


def _set_extensions(body: dict[str, Any], extensions: dict[str, Any]) -> None:
    if extensions:
        body["extensions"] = extensions
    else:
        body.pop("extensions", None)


def _rebuilt(response: Response, content: bytes, added: Mapping[str, str], kind: type[_R]) -> _R:
    """`content` with `response`'s status, media type and headers, and the `added` ones."""
    headers = {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in response.raw_headers
        if name not in _OWN_HEADERS
    }
    headers.update(added)
    media = (response.media_type or JSON).partition(";")[0]  # without its charset
    return kind(content, response.status_code, media, headers)


def _content_is_object(response: Response) -> bool:
    """Whether the serialised body is a non-empty JSON object (`{...}`), as orjson writes it."""
    body = bytes(response.body)
    return body.startswith(b"{") and body.endswith(b"}") and body != b"{}"


def _failed() -> Response:
    """A hook on the way out failed: the answer is masked (the hook was logged)."""
    body = error_body("A gateway plugin failed while handling this request.", "PLUGIN_ERROR")
    return graphql_response(body, 500, JSON)
