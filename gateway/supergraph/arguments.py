"""Directive arguments as plain Python values, read from the SDL's AST."""

from __future__ import annotations

from collections.abc import Iterable

from graphql import DirectiveNode, value_from_ast_untyped

__all__ = ["directive_arguments", "directives_named"]


def directive_arguments(directive: DirectiveNode) -> dict[str, object]:
    """Every argument given to one directive application, as untyped Python values."""
    return {arg.name.value: value_from_ast_untyped(arg.value) for arg in directive.arguments or ()}


def directives_named(
    directives: Iterable[DirectiveNode] | None, name: str
) -> list[dict[str, object]]:
    """The arguments of every application of `@name`, in order."""
    return [directive_arguments(d) for d in directives or () if d.name.value == name]
