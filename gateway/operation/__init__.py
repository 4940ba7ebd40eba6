"""The operation stage: parse (within size and token limits), measure, validate and pick the
client's operation; coerce its variables."""

from gateway.operation.errors import OperationErrors
from gateway.operation.facts import OperationFacts
from gateway.operation.prepare import (
    DocumentLimits,
    ParsedDocument,
    parse_operation,
    prepare_operation,
    validate_operation,
)
from gateway.operation.prepared import PreparedOperation
from gateway.operation.variables import coerce_variables

__all__ = [
    "DocumentLimits",
    "OperationErrors",
    "OperationFacts",
    "ParsedDocument",
    "PreparedOperation",
    "coerce_variables",
    "parse_operation",
    "prepare_operation",
    "validate_operation",
]
