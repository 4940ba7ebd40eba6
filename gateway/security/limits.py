"""Operation limits: depth, aliases, root fields and fields once fragments are spread.

Each is a comparison against the facts the operation stage measured once, when the document was
parsed (`gateway/operation/facts.py`), in the manner of Strawberry's `QueryDepthLimiter`; the
token and size limits are parse options there, as in Strawberry's `MaxTokensLimiter`. Each limit
has its own error code, as in Apollo Router.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.operation.errors import MAX_FIELDS_EXCEEDED, MAX_TOKENS_EXCEEDED
from gateway.operation.facts import MAX_EXPANDED_FIELDS, OperationFacts, too_many_fields
from gateway.security.settings import OperationLimits

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


def check_shape(facts: OperationFacts, limits: OperationLimits) -> LimitExceeded | None:
    """The first limit the operation is over, or None."""
    bomb = too_many_fields(facts)
    if bomb is not None:
        return LimitExceeded(code=MAX_FIELDS_EXCEEDED, message=bomb)
    checks = (
        (facts.depth, limits.max_depth, MAX_DEPTH_EXCEEDED, "depth"),
        (facts.aliases, limits.max_aliases, MAX_ALIASES_EXCEEDED, "aliases"),
        (facts.root_fields, limits.max_root_fields, MAX_ROOT_FIELDS_EXCEEDED, "root fields"),
    )
    for value, limit, code, what in checks:
        if limit and value > limit:
            message = f"The operation has {value} {what}; the limit is {limit}."
            return LimitExceeded(code=code, message=message)
    return None
