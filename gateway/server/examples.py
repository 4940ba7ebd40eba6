"""The example operations GraphiQL opens with: every `*.graphql` file of a folder, read at start-up.

A file may begin with comment lines. Those of the form `# key: value` (a lowercase key) are
metadata for tools and never reach the editor; every other comment is text for the reader and
is shown as written. `split_header` is the one reader of that header: `devstack/examples.py`
(which `make smoke` runs) uses it too, so GraphiQL and the smoke run agree on what a file says.
GraphiQL reads these keys:

- `# order: N`: tabs sort by it (default 50), then by file name;
- `# variables: {...}`: JSON put in the tab's variables editor;
- `# auth: none`: the operation is sent without the signed-in token;
- `# captures: token=a.b, signedInAs=a.c`: a response with a string at `a.b` signs GraphiQL in
  with that token (sent as `Authorization: Bearer ...` from every tab), `a.c` names who;
- `# signs-out: a.b`: a response whose `a.b` is true signs GraphiQL out (the token is forgotten).

A folder that is missing or unreadable just means no example tabs.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ExampleTab",
    "load_example_tabs",
    "parse_captures",
    "session_config",
    "split_header",
]

log = logging.getLogger("gateway.server")
_HEADER = re.compile(r"^#\s*([a-z][a-z-]*):\s*(.*)$")
_DEFAULT_ORDER = 50
TOKEN_CAPTURE = "token"
NAME_CAPTURE = "signedInAs"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExampleTab:
    """One GraphiQL tab: the text shown (no metadata), its variables as JSON text (may be empty),
    and what its answer means for the signed-in state."""

    name: str
    query: str
    variables: str
    order: int
    anonymous: bool = False
    captures: tuple[tuple[str, str], ...] = ()
    signs_out: str | None = None


def split_header(text: str) -> tuple[dict[str, str], str]:
    """The `# key: value` lines of the leading comment block, and the text without them.

    The header ends at the first line that is neither blank nor a comment. A repeated key keeps
    its last value. Comments that are not `key: value` stay in the text, as do blank lines.
    """
    header: dict[str, str] = {}
    kept: list[str] = []
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            kept.extend(lines[index:])
            break
        match = _HEADER.match(stripped)
        if match is None:
            kept.append(line)
        else:
            header[match.group(1)] = match.group(2).strip()
    return header, "".join(kept)


def parse_captures(value: str) -> tuple[tuple[str, str], ...]:
    """`name=path, name=path` as pairs; ValueError names the item that is not `name=path`."""
    pairs: list[tuple[str, str]] = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, sep, where = item.partition("=")
        if not sep or not name.strip() or not where.strip():
            raise ValueError(f"captures: expected name=path, got {item!r}")
        pairs.append((name.strip(), where.strip()))
    return tuple(pairs)


def _read_tab(path: Path) -> ExampleTab | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        log.warning("skipping example %s: %s", path, error)
        return None
    header, body = split_header(text)
    order_text = header.get("order", "").strip()
    order = int(order_text) if re.fullmatch(r"-?\d+", order_text) else _DEFAULT_ORDER
    try:
        captures = parse_captures(header.get("captures", ""))
    except ValueError as error:
        log.warning("example %s: %s; its captures are left out", path, error)
        captures = ()
    return ExampleTab(
        name=path.stem,
        query=body,
        variables=_pretty_json(path, header["variables"]) if "variables" in header else "",
        order=order,
        anonymous=header.get("auth") == "none",
        captures=captures,
        signs_out=header.get("signs-out") or None,
    )


def _pretty_json(path: Path, value: str) -> str:
    try:
        return json.dumps(json.loads(value), indent=2)
    except ValueError:
        log.warning("example %s: its `# variables:` line is not JSON; left out", path)
        return ""


def load_example_tabs(folder: Path) -> tuple[ExampleTab, ...]:
    """Every readable `*.graphql` file in `folder`, in tab order."""
    if not folder.is_dir():
        log.info("no examples folder at %s: GraphiQL opens without example tabs", folder)
        return ()
    tabs = [tab for path in folder.glob("*.graphql") if (tab := _read_tab(path)) is not None]
    return tuple(sorted(tabs, key=lambda tab: (tab.order, tab.name)))


def session_config(tabs: tuple[ExampleTab, ...]) -> dict[str, Any]:
    """What the page's script needs to keep the signed-in state: where answers carry a token
    (who it belongs to, and the operation, named in the badge's hint), where they say the token
    was revoked, the operation that revokes it (for the badge's Sign out button), and the
    operations sent without a token."""
    sign_in = []
    for tab in tabs:
        captured = dict(tab.captures)
        if TOKEN_CAPTURE in captured:
            rule = {"token": captured[TOKEN_CAPTURE], "name": captured.get(NAME_CAPTURE)}
            sign_in.append(rule | {"query": tab.query})
    sign_out = next((tab for tab in tabs if tab.signs_out), None)
    return {
        "signIn": sign_in,
        "signOut": {"path": sign_out.signs_out, "query": sign_out.query} if sign_out else None,
        "anonymous": [tab.query for tab in tabs if tab.anonymous],
    }
