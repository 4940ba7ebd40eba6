"""The GraphQL endpoint: GraphQL-over-HTTP in front of the runtime, GraphiQL for browsers.

Status codes follow the GraphQL-over-HTTP spec: with `application/graphql-response+json` a
request that never executed (unreadable, invalid, unknown operation) is a 400, with
`application/json` only an unreadable request is; a mutation sent with GET is a 405 whatever
the media type; an unsupported `Content-Type` is a 415 and an `Accept` we cannot satisfy a 406.
Nothing a client sends can make this handler raise: an unexpected failure in the pipeline is
logged here and answered as a GraphQL error without internals. An answer that is nothing but a
dependency outage is a 503 with `Retry-After` (see `whole_outage`), so clients retry it instead
of treating it as their fault; one that is nothing but RATE_LIMITED (a subgraph's own limit,
e.g. accounts' sign-in throttle) is a 429 with `Retry-After`.

The document pipeline (`_admit`, for HTTP and the streaming transports alike): resolve the
persisted-query id or hash; admit the caller (authentication, rate limit); look up or parse the
gateway's cached `Document` (size and token limits); check its facts (introspection, shape
limits); validate; check its cost and filter it for the caller; count the per-address limit on
chosen root fields (sign-in). Each document is parsed and validated once per gateway.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

from graphql import OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import Response

from gateway.caching import CacheReport, EntityCache, report_extension
from gateway.config import Config
from gateway.documents import Runnable
from gateway.operation import OperationErrors
from gateway.plugins import PluginChain
from gateway.runtime import Gateway, GatewayResult, GraphQLRequest
from gateway.security import ANONYMOUS, Claims, Refusal, SecurityGuard
from gateway.server.answers import cut_off_by_shutdown, refused, status_for
from gateway.server.batch import answer_batch
from gateway.server.multipart import accepts_multipart, multipart_response
from gateway.server.negotiation import JSON, negotiate
from gateway.server.params import BatchPayload, RequestProblem, from_get, from_post, read_body
from gateway.server.plugged import around, before_execution
from gateway.server.responses import (
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    RETRY_HEADERS,
    error_body,
    graphql_response,
    rate_limit_wait,
    whole_outage,
)
from gateway.server.state import ServingState, with_client_address
from gateway.server.uploads import MultipartUpload, UploadLimits, is_multipart_form, read_multipart
from gateway.telemetry import Telemetry

__all__ = ["Admitted", "GraphQLEndpoint"]

log = logging.getLogger("gateway.server")

HtmlPage = Callable[[Request], Awaitable[Response]]
Removed = tuple[tuple[str, ...], ...]
_FALSE = frozenset({"", "0", "false", "off", "no"})
SUPERGRAPH_HEADER = "x-supergraph-hash"
"""On every executed answer: the short hash of the supergraph that ran it (see `/ready`)."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Admitted:
    """An operation that passed the document pipeline, ready to run (`admit_operation`)."""

    gateway: Gateway
    request: GraphQLRequest
    operation: Runnable | None
    removed: Removed
    headers: Mapping[str, str]
    labels: frozenset[str]
    cache_report: CacheReport | None = None
    """The entity cache's lookups for this request (`entity_cache.debug` only)."""
    claims: Claims = ANONYMOUS
    """The caller's verified token: a stream ends when it expires or is signed out."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Unrunnable:
    """A document the gateway refused to run (e.g. invalid): `result` is the whole answer."""

    gateway: Gateway
    request: GraphQLRequest
    result: GatewayResult


class GraphQLEndpoint:
    """Answers `GET` and `POST` on the GraphQL path; `graphiql` renders the IDE when set."""

    def __init__(
        self,
        state: ServingState,
        config: Config,
        graphiql: HtmlPage | None,
        telemetry: Telemetry | None = None,
        plugins: PluginChain | None = None,
    ) -> None:
        self._state = state
        self._config = config
        self._graphiql = graphiql
        self._telemetry = telemetry or Telemetry(config)
        self.streamed: tuple[tuple[Callable[[str | None], bool], HtmlPage], ...] = ()
        """(whether `Accept` asks for it, its handler) for each streamed protocol (SSE,
        multipart subscriptions), when subscriptions are on; otherwise such a request gets
        the 406 of an `Accept` nothing can serve, or the plain JSON answer."""
        self.entity_cache: EntityCache | None = None
        """Set by the app when `entity_cache.enabled`: each request's subject goes to it."""
        self.max_body_bytes = config.limits.max_body_bytes
        uploads = config.uploads
        self._uploads = (
            UploadLimits(
                max_files=uploads.max_files,
                max_file_size=uploads.max_file_size,
                max_body_bytes=config.limits.max_body_bytes,
            )
            if uploads.enabled
            else None
        )
        self._guard = SecurityGuard(
            config.auth,
            config.limits,
            config.security,
            config.authorization,
            persisted=config.persisted,
            rate_limit=config.rate_limit,
            redis_url=config.redis.url,
            policy_hook=plugins.policy_hook if plugins is not None else None,
            clients=config.clients,
            apps=config.apps,
        )
        # Decided once: without request hooks the endpoint is exactly what it was.
        self._plugins = plugins if plugins is not None and plugins.active else None
        self._inner: HtmlPage = self._handle
        if self._plugins is not None:
            self._inner = partial(around, self._plugins, handler=self._handle)

    async def handle(self, request: Request) -> Response:
        """Answer one request on the GraphQL path, observed when telemetry is on."""
        if self._telemetry.active:
            return await self._telemetry.observe(request, self._inner)
        return await self._inner(request)

    async def _handle(self, request: Request) -> Response:
        """Answer one request on the GraphQL path; its deadline starts now."""
        deadline = asyncio.get_running_loop().time() + self._config.request_timeout
        if request.method not in ("GET", "POST"):
            body = error_body(
                f"{request.method} is not supported: use GET or POST.", METHOD_NOT_ALLOWED
            )
            return graphql_response(body, 405, JSON, {"allow": "GET, POST"})
        accept = request.headers.get("accept")
        for wanted, stream in self.streamed:
            if wanted(accept):
                forged = self._guard.csrf(request.headers)
                return refused(forged, JSON) if forged is not None else await stream(request)
        choice = negotiate(accept)
        if request.method == "GET" and choice.wants_html and self._graphiql is not None:
            return await self._graphiql(request)
        multipart = accepts_multipart(request.headers.get("accept"))
        if choice.media_type is None and multipart:  # errors before any part go as JSON
            choice = dataclasses.replace(choice, media_type=JSON)
        if choice.media_type is None:
            message = (
                "None of the media types in Accept can be served: accept "
                "application/graphql-response+json or application/json."
            )
            return graphql_response(error_body(message, NOT_ACCEPTABLE), 406, JSON)
        csrf = self._guard.csrf(request.headers)
        if csrf is not None:
            return refused(csrf, choice.media_type)
        parsed = await self._read(request)
        if isinstance(parsed, RequestProblem):
            body = error_body(parsed.message, parsed.code)
            return graphql_response(body, parsed.status, choice.media_type)
        if isinstance(parsed, BatchPayload):  # a JSON array: each item runs as one request
            media = choice.media_type

            def run(item: GraphQLRequest) -> Awaitable[Response]:
                return self._execute(request, item, media, deadline, False)

            return await answer_batch(parsed, self._config.batching, media, run)
        if isinstance(parsed, MultipartUpload):  # files: spooled until the answer is built
            try:
                return await self._execute(request, parsed.request, choice.media_type, deadline)
            finally:
                parsed.close()
        return await self._execute(request, parsed, choice.media_type, deadline, multipart)

    async def _read(
        self, request: Request
    ) -> GraphQLRequest | BatchPayload | MultipartUpload | RequestProblem:
        if request.method == "GET":
            return from_get(request.query_params)
        if self._uploads is not None and is_multipart_form(request.headers.get("content-type")):
            refused = self._guard.csrf(request.headers, always=True)
            if refused is not None:
                return RequestProblem(message=refused.message, code=refused.code)
            return await read_multipart(request.headers, request.stream(), self._uploads)
        body = await read_body(request, self._config.limits.max_body_bytes)
        if isinstance(body, RequestProblem):
            return body
        return from_post(request.headers.get("content-type"), body)

    async def _execute(
        self,
        request: Request,
        parsed: GraphQLRequest,
        media: str,
        deadline: float,
        multipart: bool = False,
    ) -> Response:
        peer = request.client.host if request.client is not None else None
        admitted = await self._admit(parsed, request.headers, peer)
        if isinstance(admitted, Refusal):
            return refused(admitted, media)
        served = {SUPERGRAPH_HEADER: self._state.hash_of(admitted.gateway)}
        if isinstance(admitted, Unrunnable):
            return self._respond(request, admitted.request, admitted.result, (), media, served)
        gateway, parsed, operation = admitted.gateway, admitted.request, admitted.operation
        if operation is None and admitted.removed:  # nothing the caller may see is left to run
            return graphql_response(self._guard.finish({}, admitted.removed), 200, media)
        if operation is not None:
            self._telemetry.plan(gateway, operation, admitted.labels)
            if self._plugins is not None:
                plugin_refusal = await before_execution(
                    self._plugins, gateway, parsed, operation, admitted.labels
                )
                if plugin_refusal is not None:
                    return refused(plugin_refusal, media)
        try:
            result = await gateway.execute(
                parsed,
                admitted.headers,
                include_plan=self._wants_plan(request),
                allow_mutations=request.method != "GET",
                operation=operation,
                deadline=deadline,
                labels=admitted.labels,
                incremental=multipart,
            )
        except asyncio.CancelledError:
            if not cut_off_by_shutdown():
                raise
            message = "The gateway is shutting down and could not finish this request in time."
            body = error_body(message, "SERVICE_UNAVAILABLE")
            return graphql_response(body, 503, media, RETRY_HEADERS)
        except Exception:  # a bug in the pipeline: log it, never show it
            log.exception("unexpected failure while executing a request")
            body = error_body("The gateway failed to run this request.", "INTERNAL_SERVER_ERROR")
            return graphql_response(body, 500, media)
        if admitted.cache_report is not None:  # a copy: with inbound dedup the body is shared
            extensions = {
                **result.body.get("extensions", {}),
                "entityCache": report_extension(admitted.cache_report),
            }
            result = dataclasses.replace(result, body={**result.body, "extensions": extensions})
        return self._respond(request, parsed, result, admitted.removed, media, served)

    def _checked(
        self, gateway: Gateway, parsed: GraphQLRequest, claims: Claims
    ) -> tuple[Runnable | None, Removed] | GatewayResult | Refusal:
        """The operation to run for this caller once the document checks pass, and the paths
        authorization removed; None with nothing removed lets the runtime say what is wrong."""
        query = parsed.query
        if not isinstance(query, str) or not query.strip():
            return None, ()
        document = self._telemetry.document(gateway, query, parsed.operation_name)
        refusal = self._guard.check_operation(document)
        if refusal is not None:
            return refusal
        validated = self._telemetry.validated(gateway, document)
        if isinstance(validated, OperationErrors):
            return GatewayResult(body={"errors": list(validated.errors)}, is_request_error=True)
        authorized = self._guard.authorize(
            gateway.supergraph, gateway.documents, document, validated, claims, parsed.variables
        )
        if authorized is None:
            return validated, ()
        if isinstance(authorized, Refusal):
            return authorized
        return authorized.operation, authorized.removed

    async def admit_operation(
        self, parsed: GraphQLRequest, headers: Mapping[str, str], peer: str | None
    ) -> Admitted | GatewayResult | Refusal:
        """The document pipeline up to execution, for the streaming transports (WebSocket and
        SSE, `gateway/server/streaming.py`): the same checks, in the same order, as over HTTP.
        A GatewayResult is the whole answer, already finished for the caller."""
        admitted = await self._admit(parsed, headers, peer)
        if isinstance(admitted, Unrunnable):
            return admitted.result
        if isinstance(admitted, Admitted) and admitted.operation is None and admitted.removed:
            return GatewayResult(body=self._guard.finish({}, admitted.removed))
        return admitted

    async def _admit(
        self, parsed: GraphQLRequest, headers: Mapping[str, str], peer: str | None
    ) -> Admitted | Unrunnable | Refusal:
        """The one document pipeline: resolve a persisted document, admit the caller, check,
        validate and authorize the operation, count field limits, decide override labels.
        An operation of None with paths removed means nothing the caller may see is left."""
        gateway = self._state.gateway
        if gateway is None:
            message = f"The gateway is not ready: {self._state.not_ready_reason}."
            return Refusal(
                message=message, code="SERVICE_UNAVAILABLE", status=503, headers=RETRY_HEADERS
            )
        document = await self._guard.resolve(parsed.query, parsed.extensions)
        if isinstance(document, Refusal):
            return document
        if document is not parsed.query:  # a persisted id or hash stood for the document
            parsed = dataclasses.replace(parsed, query=document)
        claims = await self._guard.admit(headers, peer)
        if isinstance(claims, Refusal):
            return claims
        checked = self._checked(gateway, parsed, claims)
        if isinstance(checked, Refusal):
            return checked
        cached = self.entity_cache
        report = cached.enter(headers, claims.values) if cached is not None else None
        if isinstance(checked, GatewayResult):
            return Unrunnable(gateway=gateway, request=parsed, result=checked)
        operation, removed = checked
        if operation is not None:
            limited = await self._guard.limit_fields(gateway.supergraph, operation, peer)
            if limited is not None:
                return limited
        if self._config.rate_limit.forward_client_address:
            headers = with_client_address(headers, peer)
        return Admitted(
            gateway=gateway,
            request=parsed,
            operation=operation,
            removed=removed,
            headers=headers,
            labels=gateway.overrides.decide(headers),
            cache_report=report,
            claims=claims,
        )

    async def authenticate(self, headers: Mapping[str, str], peer: str | None) -> Claims | Refusal:
        """These headers' verified claims, or why they are refused (`connection_init`)."""
        return await self._guard.admit(headers, peer)

    def finish(self, body: dict[str, Any], removed: Removed) -> dict[str, Any]:
        """The answer as the client gets it (authorization's removed fields, masked errors)."""
        return self._guard.finish(body, removed)

    def _respond(
        self,
        request: Request,
        parsed: GraphQLRequest,
        result: GatewayResult,
        removed: Removed,
        media: str,
        served: dict[str, str],
    ) -> Response:
        """The answer; `served` names the supergraph that ran it (a header)."""
        is_get = request.method == "GET"
        if is_get and result.is_request_error and self._is_mutation(parsed):
            message = "Mutations cannot be sent with GET: send them with POST."
            body = error_body(message, METHOD_NOT_ALLOWED)
            return graphql_response(body, 405, media, {"allow": "POST"})
        body = self._guard.finish(result.body, removed)
        if result.subsequent is not None:  # `@defer`: the first part now, the rest as they come
            return multipart_response(body, result.subsequent, served)
        if whole_outage(body, media):
            return graphql_response(body, 503, media, {**RETRY_HEADERS, **served})
        wait = rate_limit_wait(body, media)
        if wait is not None:
            return graphql_response(body, 429, media, {**served, "retry-after": str(wait)})
        if is_get:
            served["vary"] = "accept"  # a GET answer may be cached per Accept
        return graphql_response(body, status_for(result, media), media, served)

    def _is_mutation(self, request: GraphQLRequest) -> bool:
        """Whether the operation to run is a mutation (only asked when the runtime refused it)."""
        gateway = self._state.gateway
        if gateway is None or not isinstance(request.query, str):
            return False
        parsed = gateway.document(request.query, request.operation_name).parsed
        chosen = None if isinstance(parsed, OperationErrors) else parsed.chosen
        return (
            isinstance(chosen, OperationDefinitionNode)
            and chosen.operation == OperationType.MUTATION
        )

    def _wants_plan(self, request: Request) -> bool:
        if not self._config.query_plan.expose:
            return False
        value = request.headers.get(self._config.query_plan.header)
        return value is not None and value.strip().lower() not in _FALSE
