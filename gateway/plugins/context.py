"""What each plugin hook is handed: one context type per hook, and the request's scope.

Contexts are slotted dataclasses. Those a hook only reads are frozen; the fields a hook may
change are documented as such on the mutable ones (`SubgraphCall`, `OutgoingResponse`,
`ErrorInfo`). Every context carries the request's `RequestScope`, whose `state` dict is the
plugins' own place to keep something from one hook to the next (a start time, a cache key).
The scope travels in a context variable, so the subgraph hooks, which the transport runs deep
inside the executor, see the request they belong to without any stage passing it along.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.planner import QueryPlan
from gateway.transports import SubgraphResult

__all__ = [
    "ErrorInfo",
    "IncomingRequest",
    "OperationInfo",
    "OutgoingResponse",
    "PlanInfo",
    "Refuse",
    "RequestScope",
    "SubgraphCall",
    "current_scope",
    "enter_scope",
    "leave_scope",
]


@dataclass(slots=True, kw_only=True)
class RequestScope:
    """One client request as the plugins see it, from `on_request` to `on_response`."""

    method: str
    path: str
    headers: Mapping[str, str]
    """The client's headers (read-only; the first of repeated ones wins where it matters)."""
    client: str | None
    """The client's address, as the server saw it (None when unknown)."""
    operation_name: str | None = None
    """Set by the gateway once the request's document is read (before `on_operation`)."""
    state: dict[str, Any] = field(default_factory=dict)
    """The plugins' own: anything one hook wants a later hook of the same request to see."""


_SCOPE: contextvars.ContextVar[RequestScope | None] = contextvars.ContextVar(
    "gateway_plugin_scope", default=None
)


def current_scope() -> RequestScope | None:
    """The scope of the request running in this task (None outside a plugged request)."""
    return _SCOPE.get()


def enter_scope(scope: RequestScope) -> contextvars.Token[RequestScope | None]:
    """Make `scope` the current one (the server, around one request)."""
    return _SCOPE.set(scope)


def leave_scope(token: contextvars.Token[RequestScope | None]) -> None:
    _SCOPE.reset(token)


class Refuse(Exception):
    """Raised by `on_request` or `on_operation` to refuse the request with a GraphQL error.

    The client gets `{"errors": [{"message", "extensions": {"code", ...}}]}` with `status`.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "FORBIDDEN",
        status: int = 403,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.extensions = extensions


@dataclass(frozen=True, slots=True, kw_only=True)
class IncomingRequest:
    """`on_request`: before the body is read; raise `Refuse` to turn the request away."""

    scope: RequestScope


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationInfo:
    """`on_operation`: the validated operation about to run; raise `Refuse` to refuse it."""

    scope: RequestScope
    query: str
    """The document's text (a persisted query's text, once resolved)."""
    operation_name: str | None
    variables: Mapping[str, Any]
    """As the client sent them, before coercion (read-only)."""
    kind: str
    """`query` or `mutation`; `subscription` too over WebSocket and SSE."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanInfo:
    """`on_plan`: the query plan the request will run (frozen data: read, never change)."""

    scope: RequestScope
    plan: QueryPlan


@dataclass(slots=True, kw_only=True)
class SubgraphCall:
    """`on_subgraph_request` and `on_subgraph_response`: one request to one subgraph.

    In `on_subgraph_request` a hook may change `query`, `operation_name`, `variables` and
    `headers`, or set `result` to answer without calling the subgraph (later request hooks
    are then skipped). In `on_subgraph_response`, `result` is the answer (a
    `SubgraphResponse`, or a `SubgraphFailure` value) and a hook may replace it.
    """

    scope: RequestScope | None
    """None for a request outside any client request: the readiness probe (`GET /ready`)."""
    service_name: str
    query: str
    operation_name: str | None
    variables: dict[str, Any]
    headers: dict[str, str]
    is_mutation: bool
    result: SubgraphResult | None = None


@dataclass(slots=True, kw_only=True)
class OutgoingResponse:
    """`on_response`: the answer about to be sent.

    `body` is read-only; a hook may change `extensions` (sent as the body's `extensions`
    when not empty) and `headers` (added to the response's headers).
    """

    scope: RequestScope
    status: int
    body: Mapping[str, Any]
    extensions: dict[str, Any]
    headers: dict[str, str]


@dataclass(slots=True, kw_only=True)
class ErrorInfo:
    """`on_error`: the answer carries errors; a hook may edit or replace `errors` (masking)."""

    scope: RequestScope
    status: int
    errors: list[dict[str, Any]]
