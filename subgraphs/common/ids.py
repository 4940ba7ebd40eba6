"""Checks ids that arrive in GraphQL arguments and entity representations before any query runs.

Every document id in this graph is a MongoDB ObjectId written as 24 lowercase hex digits. A
malformed id is the caller's mistake (BAD_USER_INPUT), not a miss in the database, so it is
refused here and the repository only ever sees well-formed ids.
"""

from __future__ import annotations

import re

from subgraphs.common.errors import bad_input

__all__ = ["is_object_id", "parse_object_id"]

_OBJECT_ID = re.compile(r"[0-9a-f]{24}")


def is_object_id(raw: object) -> bool:
    """True when `raw` is an ObjectId in its 24-hex-digit form."""
    return isinstance(raw, str) and _OBJECT_ID.fullmatch(raw) is not None


def parse_object_id(raw: object, argument: str = "id") -> str:
    """`raw` if it is a well-formed id, otherwise a BAD_USER_INPUT error naming `argument`."""
    if not is_object_id(raw):
        raise bad_input(f"'{argument}' is not a valid id.", argument=argument)
    assert isinstance(raw, str)
    return raw
