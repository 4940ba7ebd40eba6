"""`gateway diff OLD NEW`: print each change and decide the exit status.

Exit status 1 when a breaking change remains (one that a recorded operation uses, with
`--operations`), 0 otherwise, 2 when an input cannot be read, as `rover subgraph check` and
`graphql-inspector diff` behave in CI.
"""

from __future__ import annotations

import sys
import urllib.error
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import orjson

from gateway.telemetry.usage_report import read_scrape

from .changes import Change, classify_changes
from .inputs import SchemaInputError, read_api_schema
from .seen import usage_from_scrape
from .usage import Usage, read_operations, usage_of

__all__ = ["BREAKING", "UNREADABLE", "DiffOutcome", "diff_files", "print_diff", "run_diff"]

BREAKING = 1
UNREADABLE = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffOutcome:
    """The changes, and for each breaking one whether a recorded operation uses it."""

    changes: tuple[Change, ...]
    usage: Usage | None
    warnings: tuple[str, ...] = ()

    def label(self, change: Change) -> str:
        """`breaking`, or `breaking-unused` when no recorded operation uses it."""
        if change.severity == "breaking" and self.usage is not None:
            return "breaking" if self.usage.uses(change.touches) else "breaking-unused"
        return change.severity

    @property
    def status(self) -> int:
        return BREAKING if any(self.label(c) == "breaking" for c in self.changes) else 0


def diff_files(
    old: Path, new: Path, operations: Path | None = None, seen: str | None = None
) -> DiffOutcome:
    """Compare the API schemas of two files, against recorded `operations` or the usage a
    gateway's metrics have `seen`; raises `SchemaInputError` for unreadable input."""
    old_schema = read_api_schema(old)
    new_schema = read_api_schema(new)
    changes = classify_changes(old_schema, new_schema)
    if seen is not None:
        scrape = _scrape(seen)
        try:
            usage = usage_from_scrape(old_schema, scrape)
        except ValueError as error:  # prometheus-client's parser on a page that is not one
            raise SchemaInputError(f"{seen}: not a metrics scrape: {error}") from None
        return DiffOutcome(changes=changes, usage=usage)
    if operations is None:
        return DiffOutcome(changes=changes, usage=None)
    usage, warnings = usage_of(old_schema, read_operations(operations))
    return DiffOutcome(changes=changes, usage=usage, warnings=tuple(warnings))


def _scrape(source: str) -> str:
    try:
        return read_scrape(source)
    except (OSError, urllib.error.URLError, UnicodeDecodeError) as error:
        raise SchemaInputError(f"{source}: cannot read the metrics: {error}") from None


def print_diff(outcome: DiffOutcome, out: TextIO, *, as_json: bool = False) -> None:
    """One line per change (`LABEL KIND description`), then a summary; or one JSON object."""
    if as_json:
        items = [
            {
                "severity": outcome.label(c),
                "kind": c.kind,
                "description": c.description,
                "coordinates": list(c.touches),
            }
            for c in outcome.changes
        ]
        out.write(orjson.dumps({"changes": items}, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    for change in outcome.changes:
        print(f"{outcome.label(change):<16} {change.kind:<28} {change.description}", file=out)
    counts = {
        label: sum(1 for c in outcome.changes if outcome.label(c) == label)
        for label in ("breaking", "breaking-unused", "dangerous", "safe")
    }
    summary = ", ".join(f"{n} {label}" for label, n in counts.items() if n) or "no changes"
    if outcome.usage is not None:
        summary += f" (checked against the usage of {outcome.usage.operations} operations)"
    print(summary, file=out)


def run_diff(
    old: Path, new: Path, operations: Path | None, *, seen: str | None = None, as_json: bool
) -> int:
    """The `gateway diff` command: print and return the exit status."""
    try:
        outcome = diff_files(old, new, operations, seen)
    except SchemaInputError as error:
        print(f"gateway diff: {error}", file=sys.stderr)
        return UNREADABLE
    for warning in outcome.warnings:
        print(f"gateway diff: {warning}", file=sys.stderr)
    print_diff(outcome, sys.stdout, as_json=as_json)
    return outcome.status
