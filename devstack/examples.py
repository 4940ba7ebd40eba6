"""Read `examples/*.graphql`: each file is one operation with a header of `# key: value` lines.

The header is plain GraphQL comments, read by the gateway's own reader (`split_header` in
`gateway/server/examples.py`, which also keeps these lines out of GraphiQL's editor). Keys:

- `# variables: {...}` JSON variables (GraphiQL preloads them too);
- `# auth: none` for operations run without the sign-in token (default: with it);
- `# order: N` where the smoke run puts it (default 50; lower first);
- `# allow-null: a.b, c` / `# allow-empty: d.e` response paths (list indexes left out) that may
  legitimately be null or an empty list; everything else must be present;
- `# expect-error: CODE` for an example that shows a refusal: the smoke run then requires an
  error with that `extensions.code` instead of data;
- `# captures: name=path` values the smoke run keeps: `token` replaces the token it sends from
  then on (GraphiQL signs in with it), `signedInAs` names who (GraphiQL's badge), and
  `crossPostedStatusId` must come back, cross-posted, in `me`;
- `# signs-out: path` the example revokes the token it is sent with (`path` is true in its
  answer): the smoke run then checks that this token is refused, and GraphiQL forgets it.

Any other comment line is free text describing the example, shown in GraphiQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.server.examples import parse_captures, split_header

__all__ = ["EXAMPLES_DIR", "Example", "ExampleFormatError", "load_examples", "parse_example"]

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
KNOWN_KEYS = frozenset(
    {
        "variables",
        "auth",
        "order",
        "allow-null",
        "allow-empty",
        "captures",
        "expect-error",
        "signs-out",
    }
)
DEFAULT_ORDER = 50


class ExampleFormatError(ValueError):
    """An example file's header cannot be read; the message names the file and the key."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """One example operation and how the smoke run treats it."""

    path: Path
    query: str
    variables: dict[str, Any]
    needs_auth: bool = True
    order: int = DEFAULT_ORDER
    allow_null: frozenset[str] = frozenset()
    allow_empty: frozenset[str] = frozenset()
    captures: tuple[tuple[str, str], ...] = ()
    expect_error: str | None = None
    signs_out: str | None = None

    @property
    def name(self) -> str:
        return self.path.stem


def _paths(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def _captures(path: Path, value: str) -> tuple[tuple[str, str], ...]:
    try:
        return parse_captures(value)
    except ValueError as exc:
        raise ExampleFormatError(f"{path}: {exc}") from exc


def parse_example(path: Path) -> Example:
    """One example file, with its header read and checked."""
    found, text = split_header(path.read_text())
    header = {key: value for key, value in found.items() if key in KNOWN_KEYS}
    try:
        variables = json.loads(header.get("variables", "{}"))
    except ValueError as exc:
        raise ExampleFormatError(f"{path}: variables: not JSON ({exc})") from exc
    if not isinstance(variables, dict):
        raise ExampleFormatError(f"{path}: variables: expected a JSON object")
    order_text = header.get("order", str(DEFAULT_ORDER))
    if not order_text.lstrip("-").isdigit():
        raise ExampleFormatError(f"{path}: order: expected an integer, got {order_text!r}")
    return Example(
        path=path,
        query=text,
        variables=variables,
        needs_auth=header.get("auth", "token") != "none",
        order=int(order_text),
        allow_null=_paths(header.get("allow-null", "")),
        allow_empty=_paths(header.get("allow-empty", "")),
        captures=_captures(path, header.get("captures", "")),
        expect_error=header.get("expect-error") or None,
        signs_out=header.get("signs-out") or None,
    )


def load_examples(folder: Path = EXAMPLES_DIR) -> list[Example]:
    """Every `*.graphql` in `folder`, in smoke-run order (then by file name)."""
    examples = [parse_example(path) for path in sorted(folder.glob("*.graphql"))]
    return sorted(examples, key=lambda example: (example.order, example.name))
