"""GraphQL errors with a stable `extensions.code`, and the schema extension that enforces them.

Clients branch on `extensions.code`, never on message text, so every error a subgraph returns
carries one. Expected failures are raised as `AppError`; anything else is a bug, so its message
and traceback stay in the server log and the client sees only "Unexpected error." with
INTERNAL_SERVER_ERROR. A dependency outage (the database unreachable or too slow, accounts not
answering a token check) is SERVICE_UNAVAILABLE: the client should retry, and must not sign its
user out or blame its request. Errors graphql-core raises before execution (syntax, validation,
variable coercion) get the codes Apollo Server uses, except that a bad argument value (an unknown
enum value, a wrong scalar) is BAD_USER_INPUT.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from subgraphs.common.database import is_database_outage

__all__ = [
    "RETRY_HEADERS",
    "AppError",
    "ErrorCode",
    "ErrorCodes",
    "bad_input",
    "conflict",
    "forbidden",
    "missing_scope",
    "not_found",
    "rate_limited",
    "unauthenticated",
    "unavailable",
    "whole_outage",
    "whole_rate_limit",
]

UNEXPECTED_MESSAGE = "Unexpected error."
DATABASE_DOWN_MESSAGE = "The service cannot reach its database now; try again shortly."
RETRY_AFTER_SECONDS = 5
"""What `Retry-After` says: about one health-check period, long enough for a restarted or
failed-over database to answer again, short enough that a person barely notices."""
RETRY_HEADERS: Mapping[str, str] = {"Retry-After": str(RETRY_AFTER_SECONDS)}


class ErrorCode(StrEnum):
    """The codes this graph returns in `extensions.code`."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    NOT_AVAILABLE_IN_REGION = "NOT_AVAILABLE_IN_REGION"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class AppError(Exception):
    """An expected failure the client should see: a message and a code (plus optional fields).

    graphql-core copies `extensions` from the original exception into the GraphQL error.
    """

    def __init__(self, code: ErrorCode, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extensions: dict[str, Any] = {"code": code.value, **details}


def unauthenticated(message: str = "Sign in to do this.") -> AppError:
    return AppError(ErrorCode.UNAUTHENTICATED, message)


def unavailable(message: str) -> AppError:
    """A dependency is down: the client may retry, and its credentials were not refused."""
    return AppError(ErrorCode.SERVICE_UNAVAILABLE, message)


def forbidden(message: str = "You cannot access this.") -> AppError:
    return AppError(ErrorCode.FORBIDDEN, message)


def missing_scope(scope: str) -> AppError:
    """FORBIDDEN for a token without `scope` (a partner app's, or a read-only one)."""
    return AppError(ErrorCode.FORBIDDEN, f"This needs the '{scope}' scope.", reason="MISSING_SCOPE")


def bad_input(message: str, **details: Any) -> AppError:
    return AppError(ErrorCode.BAD_USER_INPUT, message, **details)


def not_found(message: str) -> AppError:
    return AppError(ErrorCode.NOT_FOUND, message)


def conflict(message: str) -> AppError:
    return AppError(ErrorCode.CONFLICT, message)


def rate_limited(message: str, retry_after: int) -> AppError:
    """Too many attempts: `retryAfter` says in how many seconds one will be looked at again."""
    return AppError(ErrorCode.RATE_LIMITED, message, retryAfter=retry_after)


_INPUT_MARKERS = (
    "Variable '$",
    "Expected value of type",
    "does not exist in '",
    "cannot represent",
)


def _pre_execution_code(error: GraphQLError) -> ErrorCode:
    if error.message.startswith("Syntax Error"):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    if any(marker in error.message for marker in _INPUT_MARKERS):
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.GRAPHQL_VALIDATION_FAILED


def coded_error(error: GraphQLError) -> GraphQLError:
    """`error` with a code; unexpected exceptions are masked (the schema logged them)."""
    original = error.original_error
    if isinstance(original, AppError) or (error.extensions or {}).get("code"):
        return error
    if original is None or isinstance(original, GraphQLError):
        code = _pre_execution_code(error)
        message = error.message
    elif is_database_outage(original):
        code = ErrorCode.SERVICE_UNAVAILABLE
        message = DATABASE_DOWN_MESSAGE
    else:
        code = ErrorCode.INTERNAL_SERVER_ERROR
        message = UNEXPECTED_MESSAGE
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**(error.extensions or {}), "code": code.value},
    )


def whole_outage(body: Mapping[str, Any]) -> bool:
    """Whether a GraphQL response is nothing but an outage: no field has a value and every
    error is SERVICE_UNAVAILABLE. Such a response is sent as HTTP 503 with `Retry-After`, so
    HTTP clients and proxies retry it like any other outage."""
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors:
        return False
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        if not isinstance(extensions, dict) or extensions.get("code") != "SERVICE_UNAVAILABLE":
            return False
    data = body.get("data")
    return data is None or (isinstance(data, dict) and all(v is None for v in data.values()))


def whole_rate_limit(body: Mapping[str, Any]) -> int | None:
    """The seconds to wait when a GraphQL response is nothing but RATE_LIMITED errors (no field
    with a value), else None; such a response is sent as HTTP 429 with `Retry-After`."""
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors:
        return None
    waits = []
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        if not isinstance(extensions, dict) or extensions.get("code") != "RATE_LIMITED":
            return None
        wait = extensions.get("retryAfter")
        waits.append(wait if isinstance(wait, int) else 1)
    data = body.get("data")
    if data is None or (isinstance(data, dict) and all(v is None for v in data.values())):
        return max(waits)
    return None


class ErrorCodes(SchemaExtension):
    """Give every error in a result a code, masking unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [coded_error(error) for error in errors]
