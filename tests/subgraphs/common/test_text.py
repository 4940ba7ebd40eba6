"""The shared free-text check: blanks trimmed, empty, long and control characters refused."""

from __future__ import annotations

import pytest

from subgraphs.common.errors import AppError
from subgraphs.common.text import check_text


def test_line_breaks_and_tabs_are_text() -> None:
    assert check_text("  first line\nsecond\tcolumn  ", "text", 100) == "first line\nsecond\tcolumn"


@pytest.mark.parametrize("raw", ["", "   ", "x" * 11, "a\x00b", "bell\x07", "\x7f"])
def test_empty_long_and_control_characters_are_bad_input(raw: str) -> None:
    with pytest.raises(AppError) as refused:
        check_text(raw, "text", 10)
    assert refused.value.code == "BAD_USER_INPUT"
