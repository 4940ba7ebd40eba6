"""The operation stage: parse (within size and token limits), measure, validate and pick the
client's operation; coerce its variables."""

from gateway.operation.defer import (
    DeferBlock,
    DeferSplit,
    defer_label,
    defer_mark,
    defer_variables,
    has_defer,
    split_defers,
    without_defer_mark,
)
from gateway.operation.errors import (
    BAD_REQUEST,
    MAX_FIELDS_EXCEEDED,
    MAX_TOKENS_EXCEEDED,
    OperationErrors,
    request_error,
)
from gateway.operation.facts import MAX_EXPANDED_FIELDS, OperationFacts, too_many_fields
from gateway.operation.lexer import FastLexer
from gateway.operation.minify import strip_ignored_characters
from gateway.operation.prepare import (
    DocumentLimits,
    ParsedDocument,
    parse_operation,
    prepare_operation,
    validate_operation,
)
from gateway.operation.prepared import PreparedOperation, root_field_names
from gateway.operation.variables import coerce_variables

__all__ = [
    "BAD_REQUEST",
    "MAX_EXPANDED_FIELDS",
    "MAX_FIELDS_EXCEEDED",
    "MAX_TOKENS_EXCEEDED",
    "DeferBlock",
    "DeferSplit",
    "DocumentLimits",
    "FastLexer",
    "OperationErrors",
    "OperationFacts",
    "ParsedDocument",
    "PreparedOperation",
    "coerce_variables",
    "defer_label",
    "defer_mark",
    "defer_variables",
    "has_defer",
    "parse_operation",
    "prepare_operation",
    "request_error",
    "root_field_names",
    "split_defers",
    "strip_ignored_characters",
    "too_many_fields",
    "validate_operation",
    "without_defer_mark",
]
