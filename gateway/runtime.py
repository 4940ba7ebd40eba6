"""The gateway's request pipeline: prepare, plan, execute, shape, for one GraphQL request.

`Gateway.execute` is what the server calls. It never raises for bad input or failing
subgraphs: every problem is a GraphQL error in the body, and `is_request_error` tells the server
that the operation never ran (so GraphQL-over-HTTP wants a 4xx). Everything derived from a
document (the parsed and validated operation, the security facts, the plan and the shapes) lives
in this gateway's `DocumentCache` (`gateway/documents.py`), keyed by (document, operation name)
and bounded by bytes; nothing cached depends on variables or headers, so replicas can share
nothing and still agree. The server runs the security checks between `document`, `validated`
and `execute`, and may hand `execute` a copy of the operation filtered by authorization.

`Gateway` composes the parts that each own one concern: the document cache
(`gateway/documents.py`), the header policy (`gateway/headers.py`: what reaches subgraphs, who
the caller is) and inbound deduplication (`gateway/inbound.py`); it keeps the order of the steps.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from gateway.documents import Document, DocumentCache, Planned, Runnable
from gateway.executor import RequestContext, execute_plan
from gateway.headers import HeaderPolicy
from gateway.inbound import InboundDedup, inbound_key
from gateway.incremental import execute_incremental, plannable
from gateway.operation import (
    BAD_REQUEST,
    DocumentLimits,
    OperationErrors,
    PreparedOperation,
    coerce_variables,
    request_error,
    root_field_names,
    validate_operation,
)
from gateway.overrides import OverridePolicy, OverrideSettings
from gateway.planner import (
    QueryPlan,
    build_query_plan,
    override_labels_in,
    plan_extensions,
    upload_refusal,
)
from gateway.shaping import (
    INTROSPECTION_FIELDS,
    CompiledShape,
    answer_introspection,
    compile_shape,
    directive_variables,
    shape_response,
)
from gateway.supergraph import Supergraph, possible_types
from gateway.transports import Transport

__all__ = ["Gateway", "GatewayOptions", "GatewayResult", "GraphQLRequest", "Planner"]

log = logging.getLogger(__name__)

MAX_SHAPES_PER_DOCUMENT = 16  # one per combination of @skip/@include values actually seen
MAX_LABEL_PLANS_PER_DOCUMENT = 16
"""Plans kept per operation, one per set of override labels seen; past it, planned per request."""


class Planner(Protocol):
    """Plans one operation with the progressive-override labels that are on for the request."""

    def __call__(
        self,
        supergraph: Supergraph,
        prepared: PreparedOperation,
        *,
        override_labels: frozenset[str],
    ) -> QueryPlan: ...


DEFAULT_DOCUMENT_LIMITS = DocumentLimits(max_bytes=256 << 10, max_tokens=10_000)
"""The server passes its configured limits; these are `gateway/config.py`'s defaults."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphQLRequest:
    """A decoded GraphQL-over-HTTP request."""

    query: str | None
    operation_name: str | None = None
    variables: Mapping[str, Any] | None = None
    extensions: Mapping[str, Any] | None = None
    file_variables: frozenset[str] = frozenset()
    """The variables holding uploaded files (a multipart request, `server/uploads.py`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GatewayResult:
    """The response body, and whether the request failed before execution."""

    body: dict[str, Any]
    is_request_error: bool = False
    subsequent: AsyncIterator[dict[str, Any]] | None = None
    """With `@defer` answered in parts: `body` is the first payload, these are the rest."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GatewayOptions:
    """Runtime knobs; `forward_headers` are lowercase header names sent on to subgraphs."""

    forward_headers: tuple[str, ...] = ()
    """No client header reaches a subgraph unless listed, as in Apollo Router and Hive Gateway:
    credentials go only where a deployment says they are needed, and requests that forward
    nothing can share identical in-flight subgraph fetches across clients."""
    document_cache_bytes: int = 64 << 20
    """Bytes the document cache may hold (see `gateway/documents.py` for how they are counted)."""
    document_limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS
    batch_fetches: bool = True
    """Plans run in waves and one wave's entity fetches to a subgraph share one request
    (`BatchFetch`); off, plans have Apollo's shape, one request per fetch."""
    deduplicate_inbound: bool = False
    """Identical concurrent queries (same document, variables and forwarded headers) share one
    execution. Off by default: it only pays when many clients ask exactly the same thing."""
    request_timeout: float | None = None
    """Seconds one request may take end to end (None: no deadline); then the fetches still
    waiting give GATEWAY_TIMEOUT errors and the client gets what was fetched."""
    overrides: OverrideSettings = field(default_factory=OverrideSettings)
    """How each request's progressive `@override` labels are decided (`gateway/overrides.py`)."""


class Gateway:
    """One supergraph, one transport, and the caches shared by every request."""

    def __init__(
        self,
        supergraph: Supergraph,
        transport: Transport,
        options: GatewayOptions | None = None,
        *,
        planner: Planner | None = None,
    ) -> None:
        self.supergraph = supergraph
        self.transport = transport
        self.options = options or GatewayOptions()
        self._planner: Planner = planner or partial(
            build_query_plan, batch=self.options.batch_fetches
        )
        self.documents = DocumentCache(
            self.options.document_cache_bytes, self.options.document_limits
        )
        self.possible_types = possible_types(supergraph.schema)
        self.header_policy = HeaderPolicy(self.options.forward_headers)
        self.overrides = OverridePolicy(override_labels_in(supergraph), self.options.overrides)
        self._inbound = InboundDedup()

    def document(self, query: str, operation_name: str | None) -> Document:
        """The document's cache entry: parsed within the limits, with its facts."""
        return self.documents.get(query, operation_name)

    def validated(self, document: Document) -> Runnable | OperationErrors:
        """The document's operation validated against the API schema (once per document)."""
        if document.validated is None:
            parsed = document.parsed
            if isinstance(parsed, OperationErrors):
                return parsed
            prepared = validate_operation(self.supergraph.api_schema, parsed)
            document.validated = (
                prepared
                if isinstance(prepared, OperationErrors)
                else Runnable(key=document.key, prepared=prepared, unit=document.unit)
            )
        return document.validated

    async def execute(
        self,
        request: GraphQLRequest,
        headers: Mapping[str, str],
        *,
        include_plan: bool = False,
        allow_mutations: bool = True,
        operation: Runnable | None = None,
        deadline: float | None = None,
        labels: frozenset[str] | None = None,
        incremental: bool = False,
    ) -> GatewayResult:
        """Run one request end to end; problems come back as errors in the body.

        `operation` is the request's operation already validated (by the server, between its
        checks), possibly filtered by authorization; without it the request's document is
        looked up here. `deadline` (event-loop time) is when the server must answer; without it
        the request's budget, `request_timeout`, starts now. With `incremental`, `@defer` is
        answered in parts (`gateway/incremental.py`); otherwise all in one answer."""
        timeout = self.options.request_timeout
        if deadline is None and timeout is not None:
            deadline = asyncio.get_running_loop().time() + timeout
        if operation is None:
            found = self._operation(request)
            if isinstance(found, GatewayResult):
                return found
            operation = found
        prepared = operation.prepared
        refused = _refuse(prepared, allow_mutations)
        if refused is not None:
            return refused
        variables = coerce_variables(self.supergraph.api_schema, prepared, request.variables)
        if isinstance(variables, OperationErrors):
            return _request_errors(variables.errors)
        if labels is None:
            labels = self.overrides.decide(headers)
        cached = self.planned(operation, labels)
        if isinstance(cached, GatewayResult):
            return cached
        if request.file_variables:
            refusal = upload_refusal(cached.plan, request.file_variables)
            if refusal is not None:
                return _request_errors((request_error(refusal, UPLOADS_CANNOT_STREAM),))
        forwarded = self.header_policy.forwarded(headers)
        streamed = incremental and await execute_incremental(
            self, operation, variables, labels, forwarded, deadline, include_plan
        )
        if isinstance(streamed, GatewayResult):  # `@defer` answered in parts
            return streamed
        if self.options.deduplicate_inbound and prepared.kind == "query":
            identity = self.header_policy.credentials(headers)
            key = inbound_key(request.query, operation, variables, forwarded, identity)
            run = partial(self._run, operation, cached, variables, request, forwarded, deadline)
            body = await self._inbound.run(key, run)
        else:
            body = await self._run(operation, cached, variables, request, forwarded, deadline)
        if include_plan:
            body = {**body, "extensions": plan_extensions(cached.plan)}
        return GatewayResult(body=body)

    def _operation(self, request: GraphQLRequest) -> Runnable | GatewayResult:
        if not isinstance(request.query, str) or not request.query.strip():
            message = "GraphQL operations must contain a non-empty `query`."
            return _request_errors((request_error(message, BAD_REQUEST),))
        found = self.validated(self.document(request.query, request.operation_name))
        if isinstance(found, OperationErrors):
            return _request_errors(found.errors)
        return found

    def planned(self, operation: Runnable, labels: frozenset[str]) -> Planned | GatewayResult:
        """The operation's plan for these override labels, and its shaping cache (`execute`
        asks; telemetry asks first, with the request's labels, to time planning in its span).

        Planned on first sight of each label set. Without labels that vary per request (the
        common case) there is one plan, in `planned`; otherwise one per label set seen, in
        `plans_by_labels`, sharing one shaping cache (shapes do not depend on labels).
        """
        if self.overrides.constant:
            if operation.planned is None:
                planned = self._plan(operation, labels, {})
                if isinstance(planned, GatewayResult):
                    return planned
                operation.planned = planned
            return operation.planned
        found = operation.plans_by_labels.get(labels)
        if found is not None:
            return found
        shapes = (
            next(iter(operation.plans_by_labels.values())).shapes
            if operation.plans_by_labels
            else {}
        )
        planned = self._plan(operation, labels, shapes)
        if (
            isinstance(planned, Planned)
            and len(operation.plans_by_labels) < MAX_LABEL_PLANS_PER_DOCUMENT
        ):
            if operation.plans_by_labels:  # the first plan is in the document's weight already
                self.documents.grow(operation.key, operation.unit // 2)
            operation.plans_by_labels[labels] = planned
        return planned

    def _plan(
        self,
        operation: Runnable,
        labels: frozenset[str],
        shapes: dict[tuple[object, ...], CompiledShape],
    ) -> Planned | GatewayResult:
        prepared = operation.prepared
        names = root_field_names(prepared)
        if names <= INTROSPECTION_FIELDS | {"__typename"}:
            plan: QueryPlan | GatewayResult = QueryPlan(node=None)  # the gateway answers alone
        else:
            plan = self.plan_operation(plannable(operation), labels)
        if isinstance(plan, GatewayResult):
            return plan
        return Planned(
            plan=plan,
            directive_variables=directive_variables(prepared),
            has_introspection=bool(names & INTROSPECTION_FIELDS),
            shapes=shapes,
        )

    def plan_operation(
        self, prepared: PreparedOperation, labels: frozenset[str]
    ) -> QueryPlan | GatewayResult:
        """The planner's plan, or QUERY_PLANNING_FAILED (a planner bug is never a 500)."""
        try:
            return self._planner(self.supergraph, prepared, override_labels=labels)
        except Exception:
            log.exception("query planning failed")
            message = "The gateway could not plan this operation."
            error = request_error(message, "QUERY_PLANNING_FAILED")
            return GatewayResult(body={"errors": [error]}, is_request_error=False)

    async def run_planned(
        self,
        operation: Runnable,
        cached: Planned,
        variables: Mapping[str, Any],
        forwarded: dict[str, str],
        transport: Transport,
    ) -> dict[str, Any]:
        """Run a plan already made, through `transport`, and shape the answer: a subscription
        (`gateway/subscriptions/`) runs its plan once per event, with a transport that answers
        the subscription's own fetch with the event, so the rest is an ordinary query plan."""
        request = GraphQLRequest(query=None)
        timeout = self.options.request_timeout
        deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout
        return await self._run(
            operation, cached, variables, request, forwarded, deadline, transport
        )

    async def _run(
        self,
        operation: Runnable,
        cached: Planned,
        variables: Mapping[str, Any],
        request: GraphQLRequest,
        forwarded: dict[str, str],
        deadline: float | None,
        transport: Transport | None = None,
    ) -> dict[str, Any]:
        api = self.supergraph.api_schema
        prepared = operation.prepared
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        if cached.has_introspection:
            introspection = answer_introspection(api, prepared, variables, request.variables)
            if introspection is not None:
                data.update(introspection.data)
                errors.extend(introspection.errors)
        context = RequestContext(
            headers=forwarded,
            possible_types=self.possible_types,
            deadline=deadline,
            budget=self.options.request_timeout or 0.0,
        )
        outcome = await execute_plan(
            cached.plan, variables, transport or self.transport, context, initial_data=data
        )
        errors.extend(outcome.errors)
        compiled = self._shape(operation, cached, variables)
        return shape_response(prepared, api, variables, outcome.data, errors, compiled=compiled)

    def _shape(
        self, operation: Runnable, cached: Planned, variables: Mapping[str, Any]
    ) -> CompiledShape:
        key = tuple(variables.get(name) for name in cached.directive_variables)
        compiled = cached.shapes.get(key)
        if compiled is None:
            compiled = compile_shape(operation.prepared, self.supergraph.api_schema, variables)
            if len(cached.shapes) < MAX_SHAPES_PER_DOCUMENT:
                if cached.shapes:  # the first shape is in the document's weight already
                    self.documents.grow(operation.key, operation.unit // 2)
                cached.shapes[key] = compiled
        return compiled


def _refuse(prepared: PreparedOperation, allow_mutations: bool) -> GatewayResult | None:
    if prepared.kind == "subscription":
        message = (
            "Subscriptions are served over WebSocket (graphql-transport-ws) or Server-Sent "
            "Events (Accept: text/event-stream) at this path, not in a JSON response."
        )
        return _request_errors((request_error(message, BAD_REQUEST),))
    if prepared.kind == "mutation" and not allow_mutations:
        message = "Mutations can only be sent with POST."
        return _request_errors((request_error(message, BAD_REQUEST),))
    return None


UPLOADS_CANNOT_STREAM = "FILE_UPLOADS_OPERATION_CANNOT_STREAM"


def _request_errors(errors: tuple[dict[str, Any], ...]) -> GatewayResult:
    return GatewayResult(body={"errors": list(errors)}, is_request_error=True)
