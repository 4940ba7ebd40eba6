"""A tiny blocking GraphQL-over-HTTP client for the demo loader and the smoke run.

It uses only the standard library so that the devstack talks to the subgraphs and the gateway
exactly as any outside client would: a JSON POST, a bearer token, and the response body as sent.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["GraphQLError", "GraphQLResponse", "post_graphql", "require_data"]

TIMEOUT_SECONDS = 30.0


class GraphQLError(RuntimeError):
    """The server answered with errors (or not with GraphQL at all)."""

    def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.errors = errors

    @property
    def codes(self) -> list[str]:
        return [str((e.get("extensions") or {}).get("code", "")) for e in self.errors]


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphQLResponse:
    """One HTTP answer: its status and its decoded JSON body."""

    status: int
    body: dict[str, Any]

    @property
    def errors(self) -> list[dict[str, Any]]:
        errors = self.body.get("errors")
        return list(errors) if isinstance(errors, list) else []

    @property
    def data(self) -> dict[str, Any] | None:
        data = self.body.get("data")
        return data if isinstance(data, dict) else None


def post_graphql(
    url: str,
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    token: str | None = None,
    operation_name: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> GraphQLResponse:
    """POST one operation; any HTTP status with a JSON body is returned, not raised."""
    payload: dict[str, Any] = {"query": query, "variables": dict(variables or {})}
    if operation_name:
        payload["operationName"] = operation_name
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept", "application/graphql-response+json, application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return GraphQLResponse(status=response.status, body=_decode(response.read()))
    except urllib.error.HTTPError as exc:
        return GraphQLResponse(status=exc.code, body=_decode(exc.read()))


def _decode(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        snippet = raw[:300].decode(errors="replace")
        return {"errors": [{"message": f"response is not JSON: {snippet}"}]}
    if not isinstance(body, dict):
        return {"errors": [{"message": f"response is not a JSON object: {body!r}"[:300]}]}
    return body


def require_data(response: GraphQLResponse, what: str) -> dict[str, Any]:
    """The `data` of a response that must have succeeded; raise with the errors otherwise."""
    if response.errors or response.data is None:
        errors = response.errors or [{"message": f"HTTP {response.status}, no data"}]
        summary = "; ".join(
            f"{e.get('message')} [{(e.get('extensions') or {}).get('code', '')}]" for e in errors
        )
        raise GraphQLError(f"{what}: {summary}", errors)
    return response.data
