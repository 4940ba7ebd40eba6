"""Every change between two API schemas, classified breaking, dangerous or safe.

Breaking and dangerous changes are graphql-core's (`find_breaking_changes`,
`find_dangerous_changes`), as the issue asks: the rules (a nullable argument becoming required,
an enum value added to an output) are subtle and graphql-core's are the reference. It reports no
safe changes, so additions (types, fields, directives) and deprecations are found here; nothing
else is computed by hand.

graphql-core's changes carry a type and a sentence, not the schema element, so `touches` reads
the element back from the sentence (its wording is fixed per change type). That coordinate is
what `usage.py` matches against recorded operations; a change whose element cannot be read
is counted as used by every operation, so a check never calls a breaking change harmless by
mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    find_breaking_changes,
    find_dangerous_changes,
)

__all__ = ["Change", "Severity", "classify_changes", "touches"]

Severity = Literal["breaking", "dangerous", "safe"]

_FIELD = re.compile(r"^(\w+)\.(\w+) ")
_ARG = re.compile(r"^(\w+)\.(\w+) arg (\w+) ")
_ARG_ADDED = re.compile(r"arg \w+ on (\w+)\.(\w+) was added")
_DIRECTIVE_ARG_ADDED = re.compile(r"arg \w+ on directive (\w+) ")
_FROM_DIRECTIVE = re.compile(r"from (\w+)\.$")
_LEADING_NAME = re.compile(r"^(?:Standard scalar )?(\w+) ")
_TRAILING_TYPE = re.compile(r"(?:union|enum|input) type (\w+)")
_IMPLEMENTER = re.compile(r"^(\w+) no longer implements|implemented by (\w+)\.$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One difference between the old and the new API schema."""

    severity: Severity
    kind: str
    """graphql-core's change type name (`FIELD_REMOVED`), or ours for safe ones (`FIELD_ADDED`)."""
    description: str
    touches: tuple[str, ...]
    """What an operation must use for the change to matter to it: `Type`, `Type.field`,
    `Type.field(arg:)` or `@directive`; empty when unknown (then every operation does)."""


def touches(kind: str, description: str) -> tuple[str, ...]:
    """The schema element graphql-core's sentence about a change of type `kind` names."""
    if kind.startswith("DIRECTIVE") or "on directive" in description:
        found = _DIRECTIVE_ARG_ADDED.search(description) or _FROM_DIRECTIVE.search(description)
        found = found or _LEADING_NAME.search(description)
        return (f"@{found[1]}",) if found else ()
    if kind.startswith("ARG"):
        arg = _ARG.search(description)
        return (f"{arg[1]}.{arg[2]}({arg[3]}:)",) if arg else ()
    if kind in ("REQUIRED_ARG_ADDED", "OPTIONAL_ARG_ADDED"):
        added = _ARG_ADDED.search(description)
        return (f"{added[1]}.{added[2]}",) if added else ()
    if kind.startswith("FIELD"):
        field = _FIELD.search(description)
        return (f"{field[1]}.{field[2]}",) if field else ()
    if "INTERFACE" in kind:
        implementer = _IMPLEMENTER.search(description)
        return (implementer[1] or implementer[2],) if implementer else ()
    container = _TRAILING_TYPE.search(description)
    if container is not None:
        return (container[1],)
    named = _LEADING_NAME.search(description)
    return (named[1],) if named else ()


def _additions(old: GraphQLSchema, new: GraphQLSchema) -> list[Change]:
    """Safe changes graphql-core does not report: new types, fields, directives, deprecations."""
    found: list[Change] = []

    def safe(kind: str, description: str, element: str) -> None:
        found.append(
            Change(severity="safe", kind=kind, description=description, touches=(element,))
        )

    for name, new_type in new.type_map.items():
        if name.startswith("__"):
            continue
        old_type = old.type_map.get(name)
        if old_type is None:
            safe("TYPE_ADDED", f"{name} was added.", name)
            continue
        if not isinstance(new_type, GraphQLObjectType | GraphQLInterfaceType):
            continue
        if type(old_type) is not type(new_type):
            continue  # graphql-core reports TYPE_CHANGED_KIND
        assert isinstance(old_type, GraphQLObjectType | GraphQLInterfaceType)
        for field_name, field in new_type.fields.items():
            coordinate = f"{name}.{field_name}"
            old_field = old_type.fields.get(field_name)
            if old_field is None:
                safe("FIELD_ADDED", f"{coordinate} was added.", coordinate)
            elif field.deprecation_reason and not old_field.deprecation_reason:
                reason = field.deprecation_reason
                safe("FIELD_DEPRECATED", f"{coordinate} was deprecated: {reason}", coordinate)
    old_directives = {d.name for d in old.directives}
    for directive in new.directives:
        if directive.name not in old_directives:
            safe("DIRECTIVE_ADDED", f"@{directive.name} was added.", f"@{directive.name}")
    return found


def classify_changes(old: GraphQLSchema, new: GraphQLSchema) -> tuple[Change, ...]:
    """Every change from `old` to `new`: breaking first, then dangerous, then safe."""
    changes = [
        Change(
            severity="breaking",
            kind=change.type.name,
            description=change.description,
            touches=touches(change.type.name, change.description),
        )
        for change in find_breaking_changes(old, new)
    ]
    changes.extend(
        Change(
            severity="dangerous",
            kind=change.type.name,
            description=change.description,
            touches=touches(change.type.name, change.description),
        )
        for change in find_dangerous_changes(old, new)
    )
    changes.extend(_additions(old, new))
    return tuple(changes)
