"""Read the context spec: `@context(name:)` on types and `@join__field(contextArguments:)`."""

from __future__ import annotations

from graphql import GraphQLSyntaxError, SelectionSetNode, TypeDefinitionNode, parse

from .arguments import directives_named
from .context import ReadContext
from .model import ContextArgument

__all__ = ["read_context_arguments", "read_contexts"]


def read_contexts(node: TypeDefinitionNode, directive: str | None) -> tuple[str, ...]:
    """The contexts a type sets (`<subgraph>__<name>`), in order."""
    if directive is None:
        return ()
    names = (args.get("name") for args in directives_named(node.directives, directive))
    return tuple(name for name in names if isinstance(name, str))


def read_context_arguments(
    value: object, ctx: ReadContext, location: str
) -> tuple[ContextArgument, ...]:
    """The arguments of one `@join__field` that the gateway fills from a context."""
    if not isinstance(value, list):
        return ()
    found: list[ContextArgument] = []
    for entry in value:
        if not isinstance(entry, dict):
            ctx.report("INVALID_CONTEXT_ARGUMENT", f"{entry!r} is not an object", location)
            continue
        context, name, type_, text = (
            entry.get(k) for k in ("context", "name", "type", "selection")
        )
        selection = _selection(text)
        if not (isinstance(context, str) and isinstance(name, str) and isinstance(type_, str)):
            ctx.report(
                "INVALID_CONTEXT_ARGUMENT", f"incomplete context argument {entry!r}", location
            )
        elif selection is None:
            ctx.report("INVALID_CONTEXT_ARGUMENT", f"bad selection {text!r}", location)
        else:
            found.append(
                ContextArgument(context=context, name=name, type=type_, selection=selection)
            )
    return tuple(found)


def _selection(text: object) -> SelectionSetNode | None:
    """`{ field }` or `... on A { x } ... on B { y }` as a selection set."""
    if not isinstance(text, str):
        return None
    wrapped = text if text.strip().startswith("{") else "{" + text + "}"
    try:
        document = parse(wrapped, no_location=True)
    except GraphQLSyntaxError:
        return None
    return document.definitions[0].selection_set  # type: ignore[attr-defined, no-any-return]
