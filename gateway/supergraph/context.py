"""What every join reader shares: the join spec's local names, the graphs, the problem list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import GraphQLSchema, SelectionSetNode

from .fieldsets import check_field_set, parse_field_set
from .links import Feature
from .model import SubgraphInfo
from .problems import SupergraphProblem

__all__ = ["ReadContext"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadContext:
    """Shared by the readers; `graphs` maps `join__Graph` enum values to subgraphs."""

    join: Feature
    schema: GraphQLSchema
    graphs: Mapping[str, SubgraphInfo]
    problems: list[SupergraphProblem]

    def report(self, code: str, message: str, location: str | None = None) -> None:
        self.problems.append(SupergraphProblem(code=code, message=message, location=location))

    def graph(self, value: object, location: str) -> str | None:
        """The subgraph name for a `graph:` argument, reporting unknown ones."""
        info = self.graphs.get(value) if isinstance(value, str) else None
        if info is None:
            self.report("UNKNOWN_GRAPH", f"graph {value!r} is not a join__Graph value", location)
            return None
        return info.name

    def field_set(self, text: object, type_name: str, location: str) -> SelectionSetNode | None:
        """Parse and check a field set selected on `type_name`, reporting what is wrong."""
        if not isinstance(text, str):
            self.report("INVALID_FIELD_SET", f"field set {text!r} is not a string", location)
            return None
        parsed = parse_field_set(text)
        if isinstance(parsed, str):
            self.report(
                "INVALID_FIELD_SET", f"field set {text!r} does not parse: {parsed}", location
            )
            return None
        for error in check_field_set(self.schema, type_name, parsed):
            self.report("INVALID_FIELD_SET", f"field set {text!r}: {error}", location)
        return parsed
