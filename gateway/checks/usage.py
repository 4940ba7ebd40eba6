"""Which schema elements recorded operations use: the `--operations` side of `gateway diff`.

Operations come from trusted documents (the persisted-query manifest the gateway serves from,
`persisted.manifest`, in Apollo's format or `{id: document}`) or from `.graphql` files. Each is
walked with graphql-core's `TypeInfo` against the old schema (the one the clients were written
for), collecting `Type`, `Type.field`, `Type.field(arg:)` and `@directive` coordinates. Input
types count as used whole (with every input type inside them), since a variable's value is not
in the document; that errs on the side of calling a change used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    parse,
    visit,
)

from gateway.security.persisted import load_manifest

from .inputs import SchemaInputError

__all__ = ["Usage", "read_operations", "usage_of", "used_coordinates"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Usage:
    """The coordinates the recorded operations use, and how many operations there were."""

    coordinates: frozenset[str]
    operations: int

    def uses(self, touched: tuple[str, ...]) -> bool:
        """Whether a change touching these coordinates matters (unknown: it does)."""
        return not touched or any(c in self.coordinates for c in touched)


def _documents_in(path: Path) -> list[str]:
    if path.suffix == ".json":
        try:
            return list(load_manifest(path).values())
        except (ValueError, KeyError, TypeError) as error:
            raise SchemaInputError(f"{path}: not a persisted-query manifest: {error}") from None
    return [path.read_text(encoding="utf-8")]


def read_operations(path: Path) -> list[str]:
    """The documents in a manifest, a `.graphql` file, or a folder of both (recursively)."""
    try:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in (".graphql", ".gql", ".json"))
            return [document for file in files for document in _documents_in(file)]
        return _documents_in(path)
    except (OSError, UnicodeDecodeError) as error:
        raise SchemaInputError(f"{path}: cannot read the operations: {error}") from None


class _Collector(Visitor):
    def __init__(self, schema: GraphQLSchema, info: TypeInfo) -> None:
        super().__init__()
        self.schema = schema
        self.info = info
        self.found: set[str] = set()

    def _named(self, named: GraphQLNamedType | None) -> None:
        if named is None or named.name in self.found:
            return
        self.found.add(named.name)
        if isinstance(named, GraphQLInputObjectType):
            for field in named.fields.values():
                self._named(get_named_type(field.type))

    def enter_field(self, node: FieldNode, *_: object) -> None:
        parent = self.info.get_parent_type()
        if parent is not None:
            coordinate = f"{parent.name}.{node.name.value}"
            self.found.add(coordinate)
            self.found.update(f"{coordinate}({a.name.value}:)" for a in node.arguments or ())
            self._named(parent)
        self._named(get_named_type(self.info.get_type()))

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        argument = self.info.get_argument()
        if argument is not None:
            self._named(get_named_type(argument.type))

    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        self.found.add(f"@{node.name.value}")

    def enter_inline_fragment(self, node: InlineFragmentNode, *_: object) -> None:
        if node.type_condition is not None:
            self._named(self.schema.get_type(node.type_condition.name.value))

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: object) -> None:
        self._named(self.schema.get_type(node.type_condition.name.value))

    def enter_variable_definition(self, node: object, *_: object) -> None:
        self._named(get_named_type(self.info.get_input_type()))


def used_coordinates(schema: GraphQLSchema, document: DocumentNode) -> set[str]:
    """Every `Type`, `Type.field`, `Type.field(arg:)` and `@directive` `document` uses."""
    info = TypeInfo(schema)
    collector = _Collector(schema, info)
    visit(document, TypeInfoVisitor(info, collector))
    return collector.found


def usage_of(schema: GraphQLSchema, documents: list[str]) -> tuple[Usage, list[str]]:
    """What `documents` use of `schema`, and a warning for each document that does not parse."""
    found: set[str] = set()
    warnings: list[str] = []
    for number, text in enumerate(documents, 1):
        try:
            document = parse(text)
        except GraphQLError as error:
            warnings.append(f"operation {number} does not parse, skipped: {error.message}")
            continue
        found |= used_coordinates(schema, document)
    return Usage(coordinates=frozenset(found), operations=len(documents)), warnings
