"""`@context` and `@fromContext` (Federation 2.8) in one subgraph, checked as the reference does.

A type names a context with `@context(name:)`; an argument of an object field reads a value from
the nearest enclosing object of such a type with `@fromContext(field: "$name { selection }")`.
The gateway supplies that argument, so it must have no default, the field must be reachable by
key (`_entities`), and the selection must pick one field of the argument's type on every type
that sets the context (with `... on T` conditions where the owners differ).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.composition.context_selection import selection_problem
from gateway.composition.errors import CompositionError, Location, codes
from gateway.composition.model import Argument, Field, Subgraph, TypeDef

__all__ = ["ContextReference", "context_owners", "parse_reference", "validate_contexts"]

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")
_REFERENCE = re.compile(r"\s*\$\s*([_A-Za-z][_0-9A-Za-z]*)(.*)\Z", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ContextReference:
    """`$name selection`: the context's name and the selection text after it (kept verbatim)."""

    context: str
    selection: str


def parse_reference(text: str) -> ContextReference | None:
    """The context and selection of a `@fromContext(field:)` value, or None without `$name`."""
    match = _REFERENCE.match(text)
    if match is None or not match.group(2).strip():
        return None
    return ContextReference(match.group(1), match.group(2))


def context_owners(subgraph: Subgraph) -> dict[str, list[str]]:
    """The types that set each context in one subgraph, in definition order."""
    owners: dict[str, list[str]] = {}
    for typedef in subgraph.types.values():
        for name in typedef.contexts:
            owners.setdefault(name, []).append(typedef.name)
    return owners


def validate_contexts(subgraph: Subgraph) -> list[CompositionError]:
    """Every `@context`/`@fromContext` problem in one subgraph."""
    checker = _Checker(subgraph, context_owners(subgraph))
    for typedef in subgraph.types.values():
        for name in typedef.contexts:
            if not _NAME.match(name):
                checker.error(
                    codes.CONTEXT_NAME_INVALID,
                    f'Context name "{name}" may not contain an underscore.'
                    if "_" in name
                    else f'Context name "{name}" is invalid. It should have only alphanumeric '
                    "characters.",
                    typedef.name,
                    typedef.line,
                )
        for field in typedef.fields.values():
            for argument in field.args.values():
                if argument.from_context is not None:
                    checker.argument(typedef, field, argument)
    return checker.errors


class _Checker:
    def __init__(self, subgraph: Subgraph, owners: dict[str, list[str]]) -> None:
        self.subgraph = subgraph
        self.owners = owners
        self.errors: list[CompositionError] = []

    def error(self, code: str, message: str, coordinate: str, line: int | None) -> None:
        where = Location(subgraph=self.subgraph.name, coordinate=coordinate, line=line)
        self.errors.append(
            CompositionError(
                code=code, message=f"[{self.subgraph.name}] {message}", locations=(where,)
            )
        )

    def argument(self, typedef: TypeDef, field: Field, argument: Argument) -> None:
        where = f"{typedef.name}.{field.name}({argument.name}:)"
        line = argument.line
        if typedef.kind != "object":
            message = (
                "@fromContext argument cannot be used on a field that exists on an abstract "
                f'type "{where}".'
            )
            self.error(codes.CONTEXT_NOT_SET, message, where, line)
            return
        for interface in typedef.interfaces:
            implemented = self.subgraph.types.get(interface)
            if implemented is not None and field.name in implemented.fields:
                message = (
                    "@fromContext argument cannot be used on a field implementing an interface "
                    f'field "{interface}.{field.name}".'
                )
                self.error(codes.CONTEXT_NOT_SET, message, where, line)
        if argument.default is not None:
            message = f'@fromContext arguments may not have a default value: "{where}".'
            self.error(codes.CONTEXT_NOT_SET, message, where, line)
        reference = parse_reference(argument.from_context or "")
        if reference is None:
            message = (
                f'@fromContext argument does not reference a context "{argument.from_context}".'
            )
            self.error(codes.NO_CONTEXT_IN_SELECTION, message, where, line)
            return
        owners = self.owners.get(reference.context)
        if not owners:
            message = (
                f'Context "{reference.context}" is used at location "{where}" but is never set.'
            )
            self.error(codes.CONTEXT_NOT_SET, message, where, line)
            return
        problem = selection_problem(self.subgraph, reference.selection, owners, argument.type)
        if problem is not None:
            message = (
                f'Context "{reference.context}" is used in "{where}" but the selection is '
                f"invalid: {problem}"
            )
            self.error(codes.CONTEXT_INVALID_SELECTION, message, where, line)
        if not any(key.resolvable for key in typedef.keys):
            message = (
                f'Object "{typedef.name}" has no resolvable key but has a field with a '
                "contextual argument."
            )
            self.error(codes.CONTEXT_NO_RESOLVABLE_KEY, message, where, line)
