"""One operation for the streaming transports (WebSocket, SSE): admitted, then streamed.

Both transports take the HTTP endpoint's document pipeline (`GraphQLEndpoint.admit_operation`:
persisted documents, authentication, the rate limit, the operation checks, authorization) and
then either open a subscription (`gateway/subscriptions/`) or run a query or mutation once.
Either way the transport reads a `SubscriptionStream`, so it has one loop for both; an
operation that never ran (refused, invalid) is a list of request errors instead, which
graphql-transport-ws sends as its `error` message.

Plugins see every operation the HTTP endpoint would have shown them, so none of them can be
gone round by changing transports: `on_request` (over SSE and multipart it already ran, in the
HTTP request's scope; over WebSocket once per `subscribe`, with the connection's headers, in a
scope of its own), then `on_operation` and `on_plan` once the operation is admitted. The scope
stays entered while the operation starts, so a subscription's task, and the subgraph hooks of
the fetches that complete each event, see it. `on_error` runs on every answer with errors (each
event, a query's one answer, request errors), a failing hook masking them as `PLUGIN_ERROR`;
`on_response` does not run on streamed answers (docs/plugins.md, "Streams").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.operation import OperationErrors, coerce_variables
from gateway.plugins import (
    IncomingRequest,
    PluginChain,
    RequestScope,
    current_scope,
    enter_scope,
    leave_scope,
)
from gateway.runtime import GatewayResult, GraphQLRequest
from gateway.security import Refusal
from gateway.server.endpoint import Admitted, GraphQLEndpoint
from gateway.server.plugged import before_execution, refusal_of
from gateway.server.responses import error_body
from gateway.subscriptions import Subscriptions, SubscriptionStream

__all__ = ["TOO_MANY_SUBSCRIPTIONS", "RequestErrors", "start_operation", "too_many"]

RequestErrors = list[dict[str, Any]]
TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"


def too_many(message: str) -> dict[str, Any]:
    """The error of a subscription over a limit (per connection, per client)."""
    return {"message": message, "extensions": {"code": TOO_MANY_SUBSCRIPTIONS}}


async def start_operation(
    endpoint: GraphQLEndpoint,
    subscriptions: Subscriptions,
    request: GraphQLRequest,
    headers: Mapping[str, str],
    peer: str | None,
    *,
    transport: str,
    allow_mutations: bool = True,
    follow_session: bool = False,
    plugins: PluginChain | None = None,
    path: str = "",
) -> SubscriptionStream | RequestErrors:
    """The operation's answers, or the request errors when it cannot run (a mutation where
    `allow_mutations` is off: an SSE request sent with GET, as over plain HTTP). With
    `follow_session` a subscription ends when the caller's token expires or is signed out.
    `plugins` are the ones with request hooks (None: none); `path` is the request's, for their
    scope."""
    how = _How(transport, allow_mutations, follow_session, plugins)
    if plugins is None or current_scope() is not None:  # none, or SSE/multipart: in HTTP's scope
        started = await _start(endpoint, subscriptions, request, headers, peer, how)
        return await _errors_hooked(plugins, started)
    scope = RequestScope(method="GET", path=path, headers=headers, client=peer)
    token = enter_scope(scope)
    try:
        if plugins.on_request:
            refused = await plugins.request(IncomingRequest(scope=scope))
            if refused is not None:
                return await _errors_hooked(plugins, _errors_of(refusal_of(refused)))
        started = await _start(endpoint, subscriptions, request, headers, peer, how)
        return await _errors_hooked(plugins, started)
    finally:
        leave_scope(token)


@dataclass(frozen=True, slots=True)
class _How:
    """How the transport asked for the operation to run."""

    transport: str
    allow_mutations: bool
    follow_session: bool
    plugins: PluginChain | None


async def _start(
    endpoint: GraphQLEndpoint,
    subscriptions: Subscriptions,
    request: GraphQLRequest,
    headers: Mapping[str, str],
    peer: str | None,
    how: _How,
) -> SubscriptionStream | RequestErrors:
    plugins = how.plugins
    admitted = await endpoint.admit_operation(request, headers, peer)
    if isinstance(admitted, Refusal):
        return _errors_of(admitted)
    if isinstance(admitted, GatewayResult):
        return _errors_or_single(admitted, subscriptions)
    operation = admitted.operation
    if plugins is not None and operation is not None:
        refused = await before_execution(
            plugins, admitted.gateway, admitted.request, operation, admitted.labels
        )
        if refused is not None:
            return _errors_of(refused)
    if operation is None or operation.prepared.kind != "subscription":
        return await _single(endpoint, admitted, subscriptions, how.allow_mutations, plugins)
    gateway = admitted.gateway
    raw = admitted.request.variables
    variables = coerce_variables(gateway.supergraph.api_schema, operation.prepared, raw)
    if isinstance(variables, OperationErrors):
        return list(variables.errors)
    client = admitted.claims.subject or peer or "unknown"
    if not subscriptions.admits(client):
        limit = subscriptions.settings.max_per_client
        return [too_many(f"At most {limit} subscriptions may be open at once for one client.")]
    removed = admitted.removed

    async def finish(body: dict[str, Any]) -> dict[str, Any]:
        return await _hooked(plugins, endpoint.finish(body, removed))

    stream = subscriptions.open(
        gateway,
        operation,
        variables,
        admitted.headers,
        admitted.labels,
        finish,
        how.transport,
        client,
    )
    if how.follow_session:
        subscriptions.follow(admitted.claims, stream)
    return stream


async def _single(
    endpoint: GraphQLEndpoint,
    admitted: Admitted,
    subscriptions: Subscriptions,
    allow_mutations: bool,
    plugins: PluginChain | None,
) -> SubscriptionStream | RequestErrors:
    """A query or mutation: one answer, then the stream is over."""
    result = await admitted.gateway.execute(
        admitted.request,
        admitted.headers,
        operation=admitted.operation,
        labels=admitted.labels,
        allow_mutations=allow_mutations,
    )
    body = endpoint.finish(result.body, admitted.removed)
    if not result.is_request_error:  # request errors are hooked once, by `start_operation`
        body = await _hooked(plugins, body)
    finished = GatewayResult(body=body, is_request_error=result.is_request_error)
    return _errors_or_single(finished, subscriptions)


async def _hooked(plugins: PluginChain | None, body: dict[str, Any]) -> dict[str, Any]:
    """`body` after `on_error`, when it has errors (in the operation's scope, which a
    subscription's task carries)."""
    errors = body.get("errors")
    scope = current_scope()
    if plugins is None or not plugins.on_error or not errors or scope is None:
        return body
    hooked = {**body, "errors": await plugins.masked_errors(scope, 200, errors)}
    if not hooked["errors"]:
        del hooked["errors"]
    return hooked


async def _errors_hooked(
    plugins: PluginChain | None, started: SubscriptionStream | RequestErrors
) -> SubscriptionStream | RequestErrors:
    """Request errors (the operation never ran) after `on_error`, as over HTTP."""
    scope = current_scope()
    if not isinstance(started, list) or plugins is None or not plugins.on_error or scope is None:
        return started
    return await plugins.masked_errors(scope, 200, started)


def _errors_of(refusal: Refusal) -> RequestErrors:
    return list(error_body(refusal.message, refusal.code, refusal.extensions)["errors"])


def _errors_or_single(
    result: GatewayResult, subscriptions: Subscriptions
) -> SubscriptionStream | RequestErrors:
    if result.is_request_error:
        return list(result.body.get("errors") or ())
    stream = SubscriptionStream(subscriptions.settings.queue_size)
    stream.put(result.body)
    stream.end()
    return stream
