"""Rules across subgraphs' `@link`s: a merged spec directive must go by one name everywhere.

`@cost` and `@listSize` are copied into the supergraph under the name the subgraphs import them
by, so two subgraphs that import one of them under different names (`{name: "@cost", as:
"@weight"}` in one, plain `@cost` in another) leave no single name to print: that is
LINK_IMPORT_NAME_MISMATCH. The names checked are the reference composer's
(`@theguild/federation-composition`'s `LinkImportNameMismatchRule`): only the federation link's
imports of `@cost` and `@listSize`. Apollo's composer also checks the security directives; the
Guild's composes those renamed per subgraph, and so do we (item 8 of issue 19: compose as it does).
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.composition.errors import CompositionError, Location, codes
from gateway.composition.model import Subgraph

__all__ = ["MERGED_BY_NAME", "validate_link_imports"]

MERGED_BY_NAME = ("cost", "listSize")
"""Directives whose supergraph name is the one the subgraphs import them by."""


def _and_list(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c": the reference's `andList` without the Oxford comma."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def validate_link_imports(subgraphs: Sequence[Subgraph]) -> list[CompositionError]:
    """One LINK_IMPORT_NAME_MISMATCH per directive imported under more than one name."""
    errors: list[CompositionError] = []
    for canonical in MERGED_BY_NAME:
        by_graph: dict[str, list[Subgraph]] = {}
        for subgraph in subgraphs:
            local = subgraph.imports.get(canonical)
            if local is not None:
                by_graph.setdefault(local, []).append(subgraph)
        by_name = {name: [g.name for g in graphs] for name, graphs in by_graph.items()}
        if len(by_name) <= 1:
            continue
        shown = [
            f' "@{name}" in subgraph{"s" if len(graphs) > 1 else ""} '
            + _and_list([f'"{g}"' for g in graphs])
            for name, graphs in by_name.items()
        ]
        errors.append(
            CompositionError(
                code=codes.LINK_IMPORT_NAME_MISMATCH,
                message=(
                    f'The import name "@{canonical}" is imported with mismatched name between '
                    "subgraphs: it is imported as " + _and_list(shown)
                ),
                locations=tuple(
                    Location(subgraph=g.name, coordinate=f"@{name}", line=g.link_line)
                    for name, graphs in by_graph.items()
                    for g in graphs
                ),
            )
        )
    return errors
