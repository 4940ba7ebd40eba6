"""Schema checks: what changed between two API schemas, and whether recorded clients use it."""

from .changes import Change, Severity, classify_changes
from .inputs import SchemaInputError, read_api_schema
from .usage import Usage, read_operations, usage_of

__all__ = [
    "Change",
    "SchemaInputError",
    "Severity",
    "Usage",
    "classify_changes",
    "read_api_schema",
    "read_operations",
    "usage_of",
]
