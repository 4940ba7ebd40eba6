"""An in-process transport that answers each distinct subgraph request once, then from memory.

Growth benchmarks time the gateway, not the subgraphs: the first answer to a request comes from
the subgraph's schema, and every identical request after it gets the same decoded answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from graphql import GraphQLSchema

from gateway.transports import (
    InProcessTransport,
    SubgraphRequest,
    SubgraphResult,
    parse_response_body,
)

__all__ = ["MemoTransport"]


class MemoTransport:
    """`Transport` over graphql-core schemas, memoising the serialised answer per request."""

    def __init__(self, schemas: Mapping[str, GraphQLSchema]) -> None:
        self._inner = InProcessTransport(schemas)
        self._answers: dict[tuple[str, str, bytes], bytes] = {}
        self.calls = 0

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResult:
        self.calls += 1
        key = (service_name, request.query, orjson.dumps(dict(request.variables)))
        body = self._answers.get(key)
        if body is None:
            result = await self._inner.fetch(service_name, request)
            payload: dict[str, Any] = {"data": getattr(result, "data", None)}
            errors = getattr(result, "errors", ())
            if errors:
                payload["errors"] = list(errors)
            body = orjson.dumps(payload)
            self._answers[key] = body
        # Decode every time, as the HTTP transport does: the executor may mutate what it gets.
        return parse_response_body(service_name, body)
