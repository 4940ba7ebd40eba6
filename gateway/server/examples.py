"""The example operations GraphiQL opens with: every `*.graphql` file of a folder, read at start-up.

Files may begin with `# key: value` comment lines; GraphiQL uses two of them: `# order: N`
(tabs sort by it, then by file name) and `# variables: {...}` (JSON put in the variables
editor). The file is otherwise shown as written, comments included, since they tell the reader
how to use the example. A folder that is missing or unreadable just means no example tabs.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ExampleTab", "load_example_tabs"]

log = logging.getLogger("gateway.server")
_HEADER = re.compile(r"^#\s*(order|variables):\s*(.*)$")
_DEFAULT_ORDER = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class ExampleTab:
    """One GraphiQL tab: the operation text and its variables as JSON text (may be empty)."""

    name: str
    query: str
    variables: str
    order: int


def _read_tab(path: Path) -> ExampleTab | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        log.warning("skipping example %s: %s", path, error)
        return None
    order, variables = _DEFAULT_ORDER, ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if match is None:
            continue
        key, value = match.groups()
        if key == "order" and re.fullmatch(r"-?\d+", value.strip()):
            order = int(value)
        elif key == "variables":
            variables = _pretty_json(path, value)
    return ExampleTab(name=path.stem, query=text, variables=variables, order=order)


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
