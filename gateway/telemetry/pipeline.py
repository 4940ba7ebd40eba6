"""`Telemetry`: the request pipeline's hooks for traces, metrics and the access log.

The server calls it at four places: around the whole request (`observe`), for the document
(`document`: parse, or the cache), for validation (`validated`) and for the plan (`plan`); the
HTTP transport calls `observer` per subgraph request. When nothing is on (`active` false) the
server skips `observe` and the other hooks call straight through; with traces off no tracer is
ever called, the span helpers are not even reached.

Spans: the request (SERVER, named `query Me` as OpenTelemetry's GraphQL conventions name it,
with `graphql.operation.type` and `graphql.operation.name`; never the document or variables),
`graphql.parse` (with whether the document was cached), `graphql.validate`, `graphql.plan`
(with whether the plan was cached) and one CLIENT span per subgraph request, whose context goes
to the subgraph in `traceparent`. A caller's own `traceparent` makes the request span its child.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from time import perf_counter
from typing import TYPE_CHECKING, Any

from graphql import OperationDefinitionNode
from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Span, SpanKind, StatusCode, Tracer, set_span_in_context
from starlette.requests import Request
from starlette.responses import Response

from gateway.clients import current_client, identify_client
from gateway.config import Config
from gateway.documents import Document, Runnable
from gateway.operation import OperationErrors
from gateway.telemetry.access_log import AccessLog
from gateway.telemetry.metrics import GatewayMetrics
from gateway.telemetry.record import (
    Observer,
    RequestRecord,
    current_record,
    enter_record,
    leave_record,
)
from gateway.telemetry.subscriptions import SubscriptionTelemetry
from gateway.telemetry.tracing import (
    incoming_context,
    trace_id_of_header,
    tracer_of,
    tracer_provider,
)
from gateway.telemetry.usage import ClientLabels, operation_fields

if TYPE_CHECKING:
    from gateway.runtime import Gateway

__all__ = ["Telemetry"]

Handler = Callable[[Request], Awaitable[Response]]
MAX_NAME = 100
"""Characters of an operation name kept in labels, spans and logs."""
MAX_CODES = 5


class Telemetry:
    """One gateway app's traces, metrics and access log, as configured."""

    def __init__(self, config: Config) -> None:
        self._provider: TracerProvider | None = tracer_provider(config.telemetry)
        self.tracer: Tracer | None = (
            tracer_of(self._provider) if self._provider is not None else None
        )
        self.metrics = (
            GatewayMetrics(config.metrics.operation_names) if config.metrics.enabled else None
        )
        self._access = AccessLog() if config.logs.access == "json" else None
        self._clients = config.clients
        self._client_label = ClientLabels(config.metrics)
        self._field_usage = config.metrics.field_usage
        self.active = (
            self.tracer is not None or self.metrics is not None or self._access is not None
        )
        self.observer = Observer(self.tracer, self.metrics) if self.active else None
        """What the HTTP transport reports each subgraph request to (None: nothing on)."""
        self.subscriptions = (
            SubscriptionTelemetry(self.tracer, self.metrics)
            if self.tracer is not None or self.metrics is not None
            else None
        )
        """What the subscriptions report each stream to (None: neither traces nor metrics)."""

    def shutdown(self) -> None:
        """Send the spans still buffered (the server is stopping)."""
        if self._provider is not None:
            self._provider.shutdown()

    async def observe(self, request: Request, handler: Handler) -> Response:
        """Run `handler` for one GraphQL request, recording it (call only when `active`)."""
        started = perf_counter()
        record = RequestRecord()
        record_token = enter_record(record)
        span = None
        context_token = None
        if self.tracer is not None:
            parent = incoming_context(request.headers)
            span = self.tracer.start_span(
                "graphql",
                context=parent,
                kind=SpanKind.SERVER,
                attributes={"http.request.method": request.method, "url.path": request.url.path},
            )
            context_token = otel_context.attach(set_span_in_context(span, parent))
        if self.metrics is not None:
            self.metrics.in_flight.inc()
        response: Response | None = None
        try:
            response = await handler(request)
            return response
        finally:
            status = response.status_code if response is not None else 500
            body = getattr(response, "graphql_body", None)
            outcome = _outcome(status, body)
            seconds = perf_counter() - started
            if context_token is not None:
                otel_context.detach(context_token)
            leave_record(record_token)
            if response is not None and body is None:  # GraphiQL's page, not a GraphQL answer
                self._page(span)
            else:
                self._finish(request, record, span, status, outcome, body, seconds)

    def _page(self, span: Span | None) -> None:
        if self.metrics is not None:
            self.metrics.in_flight.dec()
        if span is not None:
            span.update_name("graphiql")
            span.end()

    def _finish(
        self,
        request: Request,
        record: RequestRecord,
        span: Span | None,
        status: int,
        outcome: str,
        body: Mapping[str, Any] | None,
        seconds: float,
    ) -> None:
        client = record.client or current_client()
        if client.name is None:  # refused before the guard looked: the header says, if any
            client = identify_client({}, request.headers, self._clients)
        metrics = self.metrics
        if metrics is not None:
            metrics.in_flight.dec()
            name = metrics.operation_label(record.operation_name, record.valid)
            metrics.request(record.operation_type, name, outcome, seconds)
            label = self._client_label(client)
            metrics.client_request(label, record.operation_type, name, record.fields)
        trace_id = None
        if span is not None:
            _end_request_span(span, record, status, outcome)
            trace_id = f"{span.get_span_context().trace_id:032x}"
        if self._access is not None:
            self._access.write(
                record,
                trace_id=trace_id or trace_id_of_header(request.headers.get("traceparent")),
                method=request.method,
                path=request.url.path,
                status=status,
                outcome=outcome,
                client=client,
                error_codes=_error_codes(body),
                seconds=seconds,
            )

    def document(self, gateway: Gateway, query: str, name: str | None) -> Document:
        """`gateway.document`, in a `graphql.parse` span, noting the operation and cache hit."""
        if not self.active:
            return gateway.document(query, name)
        tracer = self.tracer
        if tracer is None:
            document = gateway.document(query, name)
        else:
            with tracer.start_as_current_span("graphql.parse") as span:
                document = gateway.document(query, name)
                span.set_attribute("graphql.document.cache_hit", document.validated is not None)
        # A document validated before came from the cache: a new one has not been validated.
        if self.metrics is not None:
            self.metrics.document_lookup(document.validated is not None)
        _note_operation(document)
        return document

    def validated(self, gateway: Gateway, document: Document) -> Runnable | OperationErrors:
        """`gateway.validated`, in a `graphql.validate` span."""
        if not self.active:
            return gateway.validated(document)
        tracer = self.tracer
        if tracer is None:
            found = gateway.validated(document)
        else:
            with tracer.start_as_current_span("graphql.validate") as span:
                found = gateway.validated(document)
                if isinstance(found, OperationErrors):
                    span.set_status(StatusCode.ERROR)
        if not isinstance(found, OperationErrors):
            record = current_record()
            if record is not None:
                record.valid = True
        return found

    def plan(self, gateway: Gateway, operation: Runnable, labels: frozenset[str]) -> None:
        """Plan `operation` for the request's override `labels` now, in a `graphql.plan` span
        (the runtime would on first use)."""
        if not self.active:
            return
        record = current_record()
        if record is not None:
            record.client = current_client()
            if self._field_usage and self.metrics is not None:
                record.fields = operation_fields(gateway.supergraph.api_schema, operation)
        if gateway.overrides.constant:
            hit = operation.planned is not None
        else:
            hit = labels in operation.plans_by_labels
        if self.metrics is not None:
            self.metrics.plan_lookup(hit)
        if self.tracer is not None:
            with self.tracer.start_as_current_span("graphql.plan") as span:
                span.set_attribute("graphql.plan.cache_hit", hit)
                gateway.planned(operation, labels)


def _note_operation(document: Document) -> None:
    record = current_record()
    if record is None:
        return
    parsed = document.parsed
    chosen = None if isinstance(parsed, OperationErrors) else parsed.chosen
    if isinstance(chosen, OperationDefinitionNode):
        record.operation_type = chosen.operation.value
        record.operation_name = chosen.name.value[:MAX_NAME] if chosen.name else ""


def _end_request_span(span: Span, record: RequestRecord, status: int, outcome: str) -> None:
    kind = record.operation_type
    if kind != "unknown":
        span.update_name(f"{kind} {record.operation_name}".rstrip())
        span.set_attribute("graphql.operation.type", kind)
        if record.operation_name:
            span.set_attribute("graphql.operation.name", record.operation_name)
    span.set_attribute("http.response.status_code", status)
    span.set_attribute("graphql.outcome", outcome)
    if status >= 500:
        span.set_status(StatusCode.ERROR)
    span.end()


def _outcome(status: int, body: Mapping[str, Any] | None) -> str:
    """`success`, `graphql_error` (executed, with errors), `request_error` (never executed:
    refused or invalid) or `server_error` (a 5xx: a bug, or every subgraph out)."""
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "request_error"
    if body is None or not body.get("errors"):
        return "success"
    return "graphql_error" if "data" in body else "request_error"


def _error_codes(body: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The distinct `extensions.code`s of the answer's errors (a few; codes, never messages)."""
    errors = body.get("errors") if body is not None else None
    if not isinstance(errors, list):
        return ()
    codes: dict[str, None] = {}
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        if isinstance(code, str):
            codes[code] = None
            if len(codes) == MAX_CODES:
                break
    return tuple(codes)
