"""The one check for free text a person types (names, captions, statuses, prompts).

Surrounding blanks are dropped; empty or over-long text is BAD_USER_INPUT naming the argument.
Control characters (NUL and the like) are refused too: they show as nothing or as garbage on
every platform the text is shared to, and some stores and logs cut a string at NUL. Line breaks
and tabs are text, so they stay.
"""

from __future__ import annotations

import unicodedata

from subgraphs.common.errors import bad_input

__all__ = ["check_text"]

_ALLOWED_CONTROLS = frozenset("\n\r\t")


def check_text(raw: str, argument: str, max_length: int) -> str:
    """`raw` without surrounding blanks; BAD_USER_INPUT when empty, too long or with control
    characters other than line breaks and tabs."""
    text = raw.strip()
    if not text:
        raise bad_input(f"'{argument}' must not be empty.", argument=argument)
    if len(text) > max_length:
        raise bad_input(
            f"'{argument}' is longer than {max_length} characters.",
            argument=argument,
            maxLength=max_length,
        )
    if any(unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS for c in text):
        raise bad_input(f"'{argument}' must not contain control characters.", argument=argument)
    return text
