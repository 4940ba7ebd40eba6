"""Operation limits: depth, aliases, root fields and fields once fragments are spread.

Each is a comparison against the facts the operation stage measured once, when the document was
parsed (`gateway/operation/facts.py`), in the manner of Strawberry's `QueryDepthLimiter`; the
token and size limits are parse options there, as in Strawberry's `MaxTokensLimiter`. Each limit
has its own error code, as in Apollo Router.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config.security import LimitsConfig
from gateway.operation import (
    MAX_EXPANDED_FIELDS,
    MAX_FIELDS_EXCEEDED,
    MAX_TOKENS_EXCEEDED,
    OperationFacts,
    too_many_fields,
)

__all__ = [
    "MAX_ALIASES_EXCEEDED",
    "MAX_DEPTH_EXCEEDED",
    "MAX_EXPANDED_FIELDS",
    "MAX_FIELDS_EXCEEDED",
    "MAX_ROOT_FIELDS_EXCEEDED",
    "MAX_TOKENS_EXCEEDED",
    "LimitExceeded",
    "check_shape",
]

MAX_DEPTH_EXCEEDED = "MAX_DEPTH_EXCEEDED"
MAX_ALIASES_EXCEEDED = "MAX_ALIASES_EXCEEDED"
MAX_ROOT_FIELDS_EXCEEDED = "MAX_ROOT_FIELDS_EXCEEDED"


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitExceeded:
    """One limit the operation is over: its code and a message naming the numbers."""

    code: str
    message: str


def check_shape(facts: OperationFacts, limits: LimitsConfig) -> LimitExceeded | None:
    """The first limit the operation is over, or None (comparisons only: it runs per request)."""
    if facts.expanded_fields > MAX_EXPANDED_FIELDS:
        return LimitExceeded(code=MAX_FIELDS_EXCEEDED, message=str(too_many_fields(facts)))
    if limits.max_depth and facts.depth > limits.max_depth:
        return _exceeded(MAX_DEPTH_EXCEEDED, facts.depth, "depth", limits.max_depth)
    if limits.max_aliases and facts.aliases > limits.max_aliases:
        return _exceeded(MAX_ALIASES_EXCEEDED, facts.aliases, "aliases", limits.max_aliases)
    if limits.max_root_fields and facts.root_fields > limits.max_root_fields:
        limit = limits.max_root_fields
        return _exceeded(MAX_ROOT_FIELDS_EXCEEDED, facts.root_fields, "root fields", limit)
    return None


def _exceeded(code: str, value: int, what: str, limit: int) -> LimitExceeded:
    message = f"The operation has {value} {what}; the limit is {limit}."
    return LimitExceeded(code=code, message=message)
