"""The operation stage: parse, validate and pick the client's operation; coerce its variables."""

from gateway.operation.errors import OperationErrors
from gateway.operation.prepare import prepare_operation
from gateway.operation.prepared import PreparedOperation
from gateway.operation.variables import coerce_variables

__all__ = ["OperationErrors", "PreparedOperation", "coerce_variables", "prepare_operation"]
