"""GraphQL errors with a stable `extensions.code`, and the schema extension that enforces them.

Clients branch on `extensions.code`, never on message text, so every error a subgraph returns
carries one. Expected failures are raised as `AppError`; anything else is a bug, so its message
and traceback stay in the server log and the client sees only "Unexpected error." with
INTERNAL_SERVER_ERROR. Errors graphql-core raises before execution (syntax, validation, variable
coercion) get the codes Apollo Server uses, except that a bad argument value (an unknown enum
value, a wrong scalar) is BAD_USER_INPUT.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

__all__ = [
    "AppError",
    "ErrorCode",
    "ErrorCodes",
    "bad_input",
    "conflict",
    "forbidden",
    "not_found",
    "unauthenticated",
]

UNEXPECTED_MESSAGE = "Unexpected error."


class ErrorCode(StrEnum):
    """The codes this graph returns in `extensions.code`."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    NOT_AVAILABLE_IN_REGION = "NOT_AVAILABLE_IN_REGION"
    CONFLICT = "CONFLICT"
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


def forbidden(message: str = "You cannot access this.") -> AppError:
    return AppError(ErrorCode.FORBIDDEN, message)


def bad_input(message: str, **details: Any) -> AppError:
    return AppError(ErrorCode.BAD_USER_INPUT, message, **details)


def not_found(message: str) -> AppError:
    return AppError(ErrorCode.NOT_FOUND, message)


def conflict(message: str) -> AppError:
    return AppError(ErrorCode.CONFLICT, message)


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


class ErrorCodes(SchemaExtension):
    """Give every error in a result a code, masking unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [coded_error(error) for error in errors]
