"""The value parsers settings are declared with: raw YAML or environment text -> typed value.

Each takes what YAML or the environment gave (a string from the environment and from flags; any
YAML scalar or list from a file) and returns the typed value, or raises `Invalid` with what it
expected; the loader adds where (file or variable) and which key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal

__all__ = [
    "Invalid",
    "Mode",
    "boolean",
    "choice",
    "http_url",
    "integer",
    "lower_names",
    "lower_text",
    "mode",
    "names",
    "optional_integer",
    "optional_names",
    "optional_path",
    "optional_seconds",
    "optional_text",
    "optional_url_path",
    "path",
    "seconds",
    "text",
    "url_path",
]

Mode = Literal["dev", "production"]


class Invalid(ValueError):
    """Raised by a parser with what it expected; the loader adds where and which key."""


def integer(low: int, high: int) -> Callable[[object], int]:
    def parse(raw: object) -> int:
        value = raw.strip() if isinstance(raw, str) else raw
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value) and low <= int(value) <= high:
            return int(value)
        raise Invalid(f"an integer from {low} to {high}")

    return parse


def optional_integer(low: int, high: int) -> Callable[[object], int | None]:
    parse_integer = integer(low, high)

    def parse(raw: object) -> int | None:
        return None if raw is None else parse_integer(raw)

    return parse


def seconds(raw: object) -> float:
    expected = "a number of seconds greater than 0"
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise Invalid(expected)
    try:
        value = float(raw)
    except ValueError:
        raise Invalid(expected) from None
    if not 0 < value < 86_400:
        raise Invalid(expected)
    return value


def optional_seconds(raw: object) -> float | None:
    return None if raw is None else seconds(raw)


def boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise Invalid("true or false")


def text(raw: object) -> str:
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    raise Invalid("a non-empty string")


def lower_text(raw: object) -> str:
    """Header names: compared lower-cased, as Starlette gives them."""
    return text(raw).lower()


def optional_text(raw: object) -> str | None:
    return None if raw is None or raw == "" else text(raw)


def names(raw: object) -> tuple[str, ...]:
    """A YAML list of strings, or a comma-separated string (the environment's form)."""
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise Invalid("a list of strings (or one comma-separated string)")
    return tuple(i.strip() for i in items if i.strip())


def coordinates(raw: object) -> tuple[str, ...]:
    """Schema coordinates of fields, `Type.field`."""
    found = names(raw)
    for name in found:
        kind, dot, field = name.partition(".")
        if not (dot and kind.isidentifier() and field.isidentifier()):
            raise Invalid(f"fields as Type.field (e.g. Mutation.signIn), not {name!r}")
    return found


def optional_names(raw: object) -> tuple[str, ...] | None:
    return None if raw is None else names(raw)


def lower_names(raw: object) -> tuple[str, ...]:
    return tuple(name.lower() for name in names(raw))


def choice(*allowed: str) -> Callable[[object], str]:
    def parse(raw: object) -> str:
        if isinstance(raw, str) and raw.strip().lower() in allowed:
            return raw.strip().lower()
        raise Invalid("one of " + ", ".join(allowed))

    return parse


def mode(raw: object) -> Mode:
    return "production" if choice("dev", "production")(raw) == "production" else "dev"


def path(raw: object) -> Path:
    """A file or folder; relative paths in a config file are taken from the file's folder."""
    return Path(text(raw))


def optional_path(raw: object) -> Path | None:
    return None if raw is None or raw == "" else path(raw)


def url_path(raw: object) -> str:
    value = text(raw)
    if not value.startswith("/") or value.endswith("/") or " " in value:
        raise Invalid("a path starting with '/' and not ending with '/', like /graphql")
    return value


def optional_url_path(raw: object) -> str | None:
    return None if raw is None or raw == "" else url_path(raw)


def http_url(raw: object) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, str) and re.match(r"^https?://[^\s/]+", raw.strip()):
        return raw.strip()
    raise Invalid("an http:// or https:// URL")
