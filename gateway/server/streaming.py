"""One operation for the streaming transports (WebSocket, SSE): admitted, then streamed.

Both transports take the HTTP endpoint's document pipeline (`GraphQLEndpoint.admit_operation`:
persisted documents, authentication, the rate limit, the operation checks, authorization) and
then either open a subscription (`gateway/subscriptions/`) or run a query or mutation once.
Either way the transport reads a `SubscriptionStream`, so it has one loop for both; an
operation that never ran (refused, invalid) is a list of request errors instead, which
graphql-transport-ws sends as its `error` message.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from gateway.operation import OperationErrors, coerce_variables
from gateway.runtime import GatewayResult, GraphQLRequest
from gateway.security import Refusal
from gateway.server.endpoint import Admitted, GraphQLEndpoint
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
) -> SubscriptionStream | RequestErrors:
    """The operation's answers, or the request errors when it cannot run (a mutation where
    `allow_mutations` is off: an SSE request sent with GET, as over plain HTTP). With
    `follow_session` a subscription ends when the caller's token expires or is signed out."""
    admitted = await endpoint.admit_operation(request, headers, peer)
    if isinstance(admitted, Refusal):
        return list(error_body(admitted.message, admitted.code, admitted.extensions)["errors"])
    if isinstance(admitted, GatewayResult):
        return _errors_or_single(admitted, subscriptions)
    operation = admitted.operation
    if operation is None or operation.prepared.kind != "subscription":
        return await _single(endpoint, admitted, subscriptions, allow_mutations)
    gateway = admitted.gateway
    raw = admitted.request.variables
    variables = coerce_variables(gateway.supergraph.api_schema, operation.prepared, raw)
    if isinstance(variables, OperationErrors):
        return list(variables.errors)
    client = admitted.claims.subject or peer or "unknown"
    if not subscriptions.admits(client):
        limit = subscriptions.settings.max_per_client
        return [too_many(f"At most {limit} subscriptions may be open at once for one client.")]
    finish = partial(endpoint.finish, removed=admitted.removed)
    stream = subscriptions.open(
        gateway, operation, variables, admitted.headers, admitted.labels, finish, transport, client
    )
    if follow_session:
        subscriptions.follow(admitted.claims, stream)
    return stream


async def _single(
    endpoint: GraphQLEndpoint,
    admitted: Admitted,
    subscriptions: Subscriptions,
    allow_mutations: bool,
) -> SubscriptionStream | RequestErrors:
    """A query or mutation: one answer, then the stream is over."""
    result = await admitted.gateway.execute(
        admitted.request,
        admitted.headers,
        operation=admitted.operation,
        labels=admitted.labels,
        allow_mutations=allow_mutations,
    )
    finished = GatewayResult(
        body=endpoint.finish(result.body, admitted.removed),
        is_request_error=result.is_request_error,
    )
    return _errors_or_single(finished, subscriptions)


def _errors_or_single(
    result: GatewayResult, subscriptions: Subscriptions
) -> SubscriptionStream | RequestErrors:
    if result.is_request_error:
        return list(result.body.get("errors") or ())
    stream = SubscriptionStream(subscriptions.settings.queue_size)
    stream.put(result.body)
    stream.end()
    return stream
