"""How the executor talks to subgraphs: one small Protocol and the values that cross it.

The executor never sees HTTP. A transport turns a `SubgraphRequest` into a `SubgraphResponse`
or, when the subgraph could not give a usable GraphQL answer, a `SubgraphFailure` value (never an
exception), so a failing subgraph becomes a GraphQL error and partial data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias

import orjson

__all__ = [
    "SUBREQUEST_HTTP_ERROR",
    "SUBREQUEST_MALFORMED_RESPONSE",
    "SUBREQUEST_TIMEOUT",
    "FetchObserver",
    "FetchProbe",
    "SubgraphFailure",
    "SubgraphRequest",
    "SubgraphResponse",
    "SubgraphResult",
    "Transport",
    "parse_response_body",
    "response_from_payload",
]

SUBREQUEST_HTTP_ERROR = "SUBREQUEST_HTTP_ERROR"
SUBREQUEST_MALFORMED_RESPONSE = "SUBREQUEST_MALFORMED_RESPONSE"
SUBREQUEST_TIMEOUT = "SUBREQUEST_TIMEOUT"


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphRequest:
    """One GraphQL request for one subgraph; `headers` are the ones forwarded from the client."""

    query: str
    operation_name: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    is_mutation: bool = False

    def body(self) -> dict[str, Any]:
        """The GraphQL-over-HTTP JSON body."""
        body: dict[str, Any] = {"query": self.query}
        if self.operation_name is not None:
            body["operationName"] = self.operation_name
        if self.variables:
            body["variables"] = dict(self.variables)
        return body


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphResponse:
    """A well-formed GraphQL answer: `data` (possibly None) and the subgraph's own errors.

    `cache_control` is the answer's `Cache-Control` header, which the entity cache reads for
    its TTL and privacy (None when absent or not over HTTP)."""

    data: dict[str, Any] | None
    errors: tuple[dict[str, Any], ...] = ()
    cache_control: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphFailure:
    """The subgraph gave no usable answer; `code` is one of the SUBREQUEST_* codes."""

    message: str
    code: str


SubgraphResult: TypeAlias = SubgraphResponse | SubgraphFailure


class Transport(Protocol):
    """Anything that can send a GraphQL request to a named subgraph."""

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        """Send `request` to `service_name`; never raises for subgraph problems."""
        ...


class FetchProbe(Protocol):
    """One subgraph request being watched (telemetry): headers to add, then how it ended."""

    def headers(self, forwarded: Mapping[str, str]) -> Mapping[str, str]:
        """The headers to send instead of `forwarded` (the trace context added)."""
        ...

    def end(self, status: int | None, size: int, failure: str | None) -> None:
        """The answer's HTTP status and body size, or the failure's code (status None)."""
        ...


class FetchObserver(Protocol):
    """What the HTTP transport tells about each request it sends, when telemetry is on."""

    def begin(self, service_name: str, url: str) -> FetchProbe:
        """A request to `service_name` at `url` starts now."""
        ...


def parse_response_body(service_name: str, body: bytes) -> SubgraphResult:
    """Read a subgraph's JSON answer, checking the shape the GraphQL spec promises."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        snippet = body[:80].decode("utf-8", "replace")
        return SubgraphFailure(
            message=f"Subgraph '{service_name}' returned a response that is not JSON: {snippet!r}",
            code=SUBREQUEST_MALFORMED_RESPONSE,
        )
    return response_from_payload(service_name, payload)


def response_from_payload(service_name: str, payload: object) -> SubgraphResult:
    """Check a decoded answer: an object with `data` (object or null) and/or `errors` (list).

    The failure value is only built for a malformed answer: this runs on every subgraph answer.
    """
    if not isinstance(payload, dict):
        return _malformed(service_name)
    data = payload.get("data")
    errors = payload.get("errors")
    if errors is None:
        if not isinstance(data, dict):
            return _malformed(service_name)
        return SubgraphResponse(data=data)
    if not isinstance(errors, list) or not all(isinstance(e, dict) for e in errors):
        return _malformed(service_name)
    if not (data is None or isinstance(data, dict)):
        return _malformed(service_name)
    if data is None and not errors:
        return _malformed(service_name)
    return SubgraphResponse(data=data, errors=tuple(errors))


def _malformed(service_name: str) -> SubgraphFailure:
    return SubgraphFailure(
        message=f"Subgraph '{service_name}' returned a malformed GraphQL response",
        code=SUBREQUEST_MALFORMED_RESPONSE,
    )
