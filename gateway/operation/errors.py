"""Request errors as values: what the operation stage returns instead of raising.

The codes follow Apollo Server's (`extensions.code`), so clients written against Apollo's
gateways read ours the same way. A request error means the operation never ran: the response
has `errors` and no `data`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

__all__ = [
    "BAD_REQUEST",
    "BAD_USER_INPUT",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "MAX_DOCUMENT_SIZE_EXCEEDED",
    "MAX_FIELDS_EXCEEDED",
    "MAX_TOKENS_EXCEEDED",
    "OPERATION_NAME_REQUIRED",
    "OPERATION_NOT_FOUND",
    "OperationErrors",
    "from_graphql_errors",
    "request_error",
]

GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
OPERATION_NAME_REQUIRED = "OPERATION_NAME_REQUIRED"
OPERATION_NOT_FOUND = "OPERATION_NOT_FOUND"
BAD_USER_INPUT = "BAD_USER_INPUT"
BAD_REQUEST = "BAD_REQUEST"
MAX_DOCUMENT_SIZE_EXCEEDED = "MAX_DOCUMENT_SIZE_EXCEEDED"
MAX_TOKENS_EXCEEDED = "MAX_TOKENS_EXCEEDED"
MAX_FIELDS_EXCEEDED = "MAX_FIELDS_EXCEEDED"
"""The parse limits are the operation stage's, since they bound its own work."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationErrors:
    """Why an operation cannot run; `errors` are spec-shaped dicts ready for the response."""

    errors: tuple[dict[str, Any], ...]


def request_error(message: str, code: str) -> dict[str, Any]:
    """One spec-shaped error without locations, for problems not tied to the document."""
    return {"message": message, "extensions": {"code": code}}


def from_graphql_errors(errors: list[GraphQLError], code: str) -> OperationErrors:
    """graphql-core errors (with their locations) as one `OperationErrors` carrying `code`."""
    shaped: list[dict[str, Any]] = []
    for error in errors:
        formatted: dict[str, Any] = dict(error.formatted)
        extensions = dict(formatted.get("extensions") or {})
        extensions.setdefault("code", code)
        formatted["extensions"] = extensions
        shaped.append(formatted)
    return OperationErrors(errors=tuple(shaped))
