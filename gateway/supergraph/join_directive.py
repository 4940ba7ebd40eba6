"""Read `@join__directive` (join v0.5): a directive some subgraphs apply in their own schema.

Composition records there what a subgraph's schema says that is neither federation nor
carried into the API schema, chiefly Apollo Connectors (`@link` of the connect spec on the
schema, `@source` and `@connect` on types and fields). It describes subgraph schemas, not
operations: nothing is sent to a subgraph in a request. The gateway keeps the applications in
the model (`TypeMeta.directives`, `FieldMeta.directives`, `Supergraph.schema_directives`) so
a reader that needs them (a connectors transport, a subgraph-schema extractor) has them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graphql import DirectiveNode

from .arguments import directives_named
from .context import ReadContext
from .model import JoinDirective

__all__ = ["read_join_directives"]


def read_join_directives(
    directives: Iterable[DirectiveNode] | None, ctx: ReadContext, location: str
) -> tuple[JoinDirective, ...]:
    """Every `@join__directive` on one element, with its graphs as subgraph names."""
    found: list[JoinDirective] = []
    for args in directives_named(directives, ctx.join.directive("directive")):
        name = args.get("name")
        if not isinstance(name, str):
            ctx.report("INVALID_JOIN_DIRECTIVE", f"name {name!r} is not a string", location)
            continue
        raw = args.get("graphs")
        values = raw if isinstance(raw, list) else []
        graphs = tuple(g for g in (ctx.graph(v, location) for v in values) if g is not None)
        arguments = args.get("args")
        found.append(
            JoinDirective(
                name=name,
                graphs=graphs,
                args=arguments if isinstance(arguments, Mapping) else {},
            )
        )
    return tuple(found)
