"""Composition problems as values, with Apollo's error codes, so tools and people can match them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CompositionError",
    "Location",
    "codes",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """Where a problem sits: the subgraph, a schema coordinate and, when known, line and column."""

    subgraph: str | None = None
    coordinate: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.subgraph is not None:
            parts.append(f'subgraph "{self.subgraph}"')
        if self.coordinate is not None:
            parts.append(self.coordinate)
        if self.line is not None:
            parts.append(
                f"line {self.line}" if self.column is None else f"{self.line}:{self.column}"
            )
        return ", ".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositionError:
    """One problem found while composing; `locations` names every subgraph involved."""

    code: str
    message: str
    locations: tuple[Location, ...] = ()

    def __str__(self) -> str:
        where = "; ".join(str(loc) for loc in self.locations)
        return f"[{self.code}] {self.message}" + (f" ({where})" if where else "")


class codes:  # a namespace of constants, named like Apollo's `ERRORS`
    """Apollo's composition error codes that this composer reports."""

    INVALID_CONFIG = "INVALID_CONFIG"
    SUBGRAPH_FETCH_FAILED = "SUBGRAPH_FETCH_FAILED"
    INVALID_GRAPHQL = "INVALID_GRAPHQL"
    INVALID_LINK_DIRECTIVE_USAGE = "INVALID_LINK_DIRECTIVE_USAGE"
    UNKNOWN_FEDERATION_LINK_VERSION = "UNKNOWN_FEDERATION_LINK_VERSION"
    INVALID_SUBGRAPH_NAME = "INVALID_SUBGRAPH_NAME"
    TYPE_KIND_MISMATCH = "TYPE_KIND_MISMATCH"
    FIELD_TYPE_MISMATCH = "FIELD_TYPE_MISMATCH"
    FIELD_ARGUMENT_TYPE_MISMATCH = "FIELD_ARGUMENT_TYPE_MISMATCH"
    FIELD_ARGUMENT_DEFAULT_MISMATCH = "FIELD_ARGUMENT_DEFAULT_MISMATCH"
    INPUT_FIELD_DEFAULT_MISMATCH = "INPUT_FIELD_DEFAULT_MISMATCH"
    REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH = "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH"
    REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH = "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH"
    EMPTY_MERGED_INPUT_TYPE = "EMPTY_MERGED_INPUT_TYPE"
    EMPTY_MERGED_ENUM_TYPE = "EMPTY_MERGED_ENUM_TYPE"
    ENUM_VALUE_MISMATCH = "ENUM_VALUE_MISMATCH"
    INVALID_FIELD_SHARING = "INVALID_FIELD_SHARING"
    EXTERNAL_MISSING_ON_BASE = "EXTERNAL_MISSING_ON_BASE"
    EXTERNAL_TYPE_MISMATCH = "EXTERNAL_TYPE_MISMATCH"
    EXTERNAL_UNUSED = "EXTERNAL_UNUSED"
    EXTERNAL_ARGUMENT_MISSING = "EXTERNAL_ARGUMENT_MISSING"
    KEY_FIELDS_SELECT_INVALID_TYPE = "KEY_FIELDS_SELECT_INVALID_TYPE"
    KEY_FIELDS_HAS_ARGS = "KEY_FIELDS_HAS_ARGS"
    KEY_INVALID_FIELDS = "KEY_INVALID_FIELDS"
    REQUIRES_FIELDS_MISSING_EXTERNAL = "REQUIRES_FIELDS_MISSING_EXTERNAL"
    REQUIRES_INVALID_FIELDS = "REQUIRES_INVALID_FIELDS"
    PROVIDES_ON_NON_OBJECT_FIELD = "PROVIDES_ON_NON_OBJECT_FIELD"
    PROVIDES_INVALID_FIELDS = "PROVIDES_INVALID_FIELDS"
    PROVIDES_FIELDS_HAS_ARGS = "PROVIDES_FIELDS_HAS_ARGS"
    PROVIDES_FIELDS_MISSING_EXTERNAL = "PROVIDES_FIELDS_MISSING_EXTERNAL"
    OVERRIDE_FROM_SELF_ERROR = "OVERRIDE_FROM_SELF_ERROR"
    OVERRIDE_ON_INTERFACE = "OVERRIDE_ON_INTERFACE"
    INVALID_SHAREABLE_USAGE = "INVALID_SHAREABLE_USAGE"
    EXTERNAL_ON_INTERFACE = "EXTERNAL_ON_INTERFACE"
    OVERRIDE_SOURCE_HAS_OVERRIDE = "OVERRIDE_SOURCE_HAS_OVERRIDE"
    OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE = "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE"
    INTERFACE_FIELD_NO_IMPLEM = "INTERFACE_FIELD_NO_IMPLEM"
    INTERFACE_OBJECT_USAGE_ERROR = "INTERFACE_OBJECT_USAGE_ERROR"
    INTERFACE_KEY_NOT_ON_IMPLEMENTATION = "INTERFACE_KEY_NOT_ON_IMPLEMENTATION"
    REFERENCED_INACCESSIBLE = "REFERENCED_INACCESSIBLE"
    ONLY_INACCESSIBLE_CHILDREN = "ONLY_INACCESSIBLE_CHILDREN"
    NO_QUERIES = "NO_QUERIES"
    DIRECTIVE_COMPOSITION_ERROR = "DIRECTIVE_COMPOSITION_ERROR"
    UNSUPPORTED_FEATURE = "UNSUPPORTED_FEATURE"
    SATISFIABILITY_ERROR = "SATISFIABILITY_ERROR"
