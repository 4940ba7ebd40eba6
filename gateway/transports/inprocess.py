"""The in-process transport: run a subgraph's schema inside the gateway's own process.

Unit tests use it so they open no sockets, and a user can mount a subgraph (a Strawberry schema
or a plain graphql-core schema) in the gateway without running a server for it. Answers go
through the same shape checks as HTTP answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import ExecutionResult, GraphQLSchema, graphql

from gateway.transports.protocol import (
    SUBREQUEST_HTTP_ERROR,
    SubgraphFailure,
    SubgraphRequest,
    SubgraphResult,
    response_from_payload,
)

__all__ = ["InProcessTransport", "RecordedRequest"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedRequest:
    """A request a subgraph received, kept so tests can count and inspect them."""

    service_name: str
    request: SubgraphRequest


class InProcessTransport:
    """`Transport` that executes each subgraph's schema directly.

    `schemas` maps a subgraph name to a graphql-core `GraphQLSchema` or to any object with a
    Strawberry-style `async execute(query, variable_values=, operation_name=, context_value=)`
    method. `context_factory` builds each request's context from the forwarded headers.
    """

    def __init__(
        self,
        schemas: Mapping[str, Any],
        context_factory: Callable[[Mapping[str, str]], Any] | None = None,
        *,
        record: bool = True,
        key: Callable[[str], str] | None = None,
    ) -> None:
        self._schemas = dict(schemas)
        self._key = key
        """How a subgraph name becomes a key of `schemas` (as given, without one)."""
        self._context_factory = context_factory
        self._record = record
        self.requests: list[RecordedRequest] = []
        """Every request received, for tests (nothing is kept with `record=False`, as when the
        gateway serves a subgraph in its own process)."""

    def count(self, service_name: str) -> int:
        """How many requests `service_name` has received."""
        return sum(1 for r in self.requests if r.service_name == service_name)

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        """Execute `request` against the named schema; unknown names are failures."""
        if self._record:
            self.requests.append(RecordedRequest(service_name=service_name, request=request))
        schema = self._schemas.get(self._key(service_name) if self._key else service_name)
        if schema is None:
            return SubgraphFailure(
                message=f"No in-process schema for subgraph '{service_name}'",
                code=SUBREQUEST_HTTP_ERROR,
            )
        context = self._context_factory(request.headers) if self._context_factory else None
        result = await _execute(schema, request, context)
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        return response_from_payload(service_name, payload)


async def _execute(schema: Any, request: SubgraphRequest, context: Any) -> ExecutionResult:
    variables = dict(request.variables)
    if isinstance(schema, GraphQLSchema):
        return await graphql(
            schema,
            request.query,
            variable_values=variables,
            operation_name=request.operation_name,
            context_value=context,
        )
    result: ExecutionResult = await schema.execute(
        request.query,
        variable_values=variables,
        operation_name=request.operation_name,
        context_value=context,
    )
    return result
