"""Subgraph SDL -> `Subgraph` model: one parsed, link-resolved view per subgraph.

Federation internals (`_Service`, `_entities`, `FieldSet`, link scalars) are dropped here, root
types are renamed to `Query`/`Mutation`/`Subscription`, and definitions and extensions of one type
are folded into one `TypeDef`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from graphql import (
    ConstDirectiveNode,
    DefinitionNode,
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    GraphQLSyntaxError,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    Node,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    parse,
    print_ast,
)

from gateway.composition.directives import Applied, read_directives
from gateway.composition.errors import CompositionError, Location, codes
from gateway.composition.links import LinkInfo, read_links
from gateway.composition.model import (
    Argument,
    EnumValue,
    Field,
    Subgraph,
    TypeDef,
    TypeKind,
    field_set_names,
)
from gateway.composition.source import SubgraphSource

__all__ = ["parse_subgraph"]

_INTERNAL_TYPES = {"_Service", "_Any", "_Entity", "_FieldSet", "FieldSet"}
_INTERNAL_PREFIXES = ("link__", "federation__", "join__", "policy__", "requiresScopes__")
_INTERNAL_FIELDS = {"_service", "_entities"}
_ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}

_KINDS: dict[type, TypeKind] = {
    ObjectTypeDefinitionNode: "object",
    ObjectTypeExtensionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    InterfaceTypeExtensionNode: "interface",
    UnionTypeDefinitionNode: "union",
    UnionTypeExtensionNode: "union",
    EnumTypeDefinitionNode: "enum",
    EnumTypeExtensionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    InputObjectTypeExtensionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
    ScalarTypeExtensionNode: "scalar",
}


class _Reader:
    """Folds one document's definitions into a `Subgraph`, collecting problems as it goes."""

    def __init__(self, source: SubgraphSource, links: LinkInfo) -> None:
        self.source = source
        self.links = links
        self.composed = {name: name for name in links.composed}
        self.renames: dict[str, str] = {}
        self.errors: list[CompositionError] = []
        self.subgraph = Subgraph(
            name=source.name,
            url=source.routing_url,
            version=links.version,
            links=list(links.custom_links) if links.composed else [],
            imports=dict(links.federation_imports),
            link_line=links.federation_line,
        )

    def type_ref(self, node: TypeNode) -> str:
        printed = print_ast(node)
        base = printed.strip("[]!")
        renamed = self.renames.get(base)
        return printed.replace(base, renamed) if renamed else printed

    def read(self, directives: Sequence[ConstDirectiveNode] | None, line: int | None) -> Applied:
        """Interpret the federation (and carried) directives applied to one element."""
        return read_directives(directives, self.links.local_to_canonical, self.composed)

    def invalid(self, message: str, coordinate: str, node: Node) -> None:
        """Record an INVALID_GRAPHQL problem at `node`."""
        where = Location(
            subgraph=self.source.name,
            coordinate=coordinate,
            line=node.loc.start_token.line if node.loc else None,
        )
        self.errors.append(
            CompositionError(
                code=codes.INVALID_GRAPHQL,
                message=f"[{self.source.name}] {message}",
                locations=(where,),
            )
        )

    def argument(self, node: InputValueDefinitionNode) -> Argument:
        applied = self.read(node.directives, node.loc.start_token.line if node.loc else None)
        return Argument(
            name=node.name.value,
            type=self.type_ref(node.type),
            default=print_ast(node.default_value) if node.default_value else None,
            description=node.description.value if node.description else None,
            carried=applied.carried,
            line=node.loc.start_token.line if node.loc else None,
            from_context=applied.from_context,
        )

    def output_field(self, node: FieldDefinitionNode, parent_shareable: bool) -> Field:
        applied = self.read(node.directives, node.loc.start_token.line if node.loc else None)
        return Field(
            name=node.name.value,
            type=self.type_ref(node.type),
            args={a.name.value: self.argument(a) for a in node.arguments or ()},
            description=node.description.value if node.description else None,
            carried=applied.carried,
            shareable=applied.shareable or parent_shareable,
            external=applied.external,
            requires=applied.requires,
            provides=applied.provides,
            override_from=applied.override_from,
            override_label=applied.override_label,
            line=node.loc.start_token.line if node.loc else None,
        )

    def fold(self, node: TypeDefinitionNode | TypeExtensionNode) -> None:
        name = self.renames.get(node.name.value, node.name.value)
        kind = _KINDS[type(node)]
        is_extension = isinstance(node, TypeExtensionNode)
        existing = self.subgraph.types.get(name)
        if existing is not None and existing.kind != kind:
            self.invalid(f'Type "{name}" is defined both as {existing.kind} and {kind}', name, node)
            return
        if existing is not None and existing.line is not None and not is_extension:
            self.invalid(f'There can be only one type named "{name}".', name, node)
        typedef = existing or TypeDef(name=name, kind=kind, extension=True)
        self.subgraph.types[name] = typedef
        if not is_extension:
            typedef.extension = False
            typedef.line = node.loc.start_token.line if node.loc else None
            if isinstance(node, TypeDefinitionNode) and node.description:
                typedef.description = node.description.value
        applied = self.fold_directives(typedef, node)
        self.fold_members(typedef, node, shareable=applied.shareable, external=applied.external)

    def fold_directives(
        self, typedef: TypeDef, node: TypeDefinitionNode | TypeExtensionNode
    ) -> Applied:
        """Fold the type-level directives of one definition or extension into `typedef`.

        The returned `shareable`/`external` apply to the fields of this node only, as in Apollo.
        """
        directives = cast(Sequence[ConstDirectiveNode], node.directives)
        applied = self.read(directives, node.loc.start_token.line if node.loc else None)
        typedef.keys.extend(applied.keys)
        typedef.contexts.extend(c for c in applied.contexts if c not in typedef.contexts)
        typedef.interface_object = typedef.interface_object or applied.interface_object
        if applied.extends:
            typedef.extension = True
            typedef.extends_directive = True
        carried, new = typedef.carried, applied.carried
        carried.inaccessible = carried.inaccessible or new.inaccessible
        carried.tags.extend(t for t in new.tags if t not in carried.tags)
        carried.authenticated = carried.authenticated or new.authenticated
        carried.scopes.extend(new.scopes)
        carried.policies.extend(new.policies)
        carried.cost = new.cost if new.cost is not None else carried.cost
        carried.custom.extend(new.custom)
        carried.cache_tags.extend(new.cache_tags)
        carried.specified_by = new.specified_by or carried.specified_by
        return applied

    def fold_members(
        self,
        typedef: TypeDef,
        node: TypeDefinitionNode | TypeExtensionNode,
        *,
        shareable: bool,
        external: bool,
    ) -> None:
        if isinstance(
            node,
            ObjectTypeDefinitionNode
            | ObjectTypeExtensionNode
            | InterfaceTypeDefinitionNode
            | InterfaceTypeExtensionNode,
        ):
            typedef.interfaces.extend(i.name.value for i in node.interfaces or ())
            for field_node in node.fields or ():
                if field_node.name.value in _INTERNAL_FIELDS and typedef.name == "Query":
                    continue
                field = self.output_field(field_node, shareable)
                field.external = field.external or external
                if field.name in typedef.fields:
                    coordinate = f"{typedef.name}.{field.name}"
                    message = f'Field "{coordinate}" can only be defined once.'
                    self.invalid(message, coordinate, field_node)
                typedef.fields[field.name] = field
        elif isinstance(node, UnionTypeDefinitionNode | UnionTypeExtensionNode):
            typedef.members.extend(
                self.renames.get(t.name.value, t.name.value) for t in node.types or ()
            )
        elif isinstance(node, EnumTypeDefinitionNode | EnumTypeExtensionNode):
            for value in node.values or ():
                applied = read_directives(
                    value.directives, self.links.local_to_canonical, self.composed
                )
                typedef.values[value.name.value] = EnumValue(
                    name=value.name.value,
                    description=value.description.value if value.description else None,
                    carried=applied.carried,
                )
        elif isinstance(node, InputObjectTypeDefinitionNode | InputObjectTypeExtensionNode):
            for input_node in node.fields or ():
                typedef.input_fields[input_node.name.value] = self.argument(input_node)


def _is_internal(name: str) -> bool:
    return name in _INTERNAL_TYPES or name.startswith(_INTERNAL_PREFIXES)


def _root_renames(document: DocumentNode) -> dict[str, str]:
    operations = [
        operation
        for definition in document.definitions
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode)
        for operation in definition.operation_types or ()
    ]
    renames = {o.type.name.value: _ROOT_NAMES[o.operation.value] for o in operations}
    return {name: target for name, target in renames.items() if name != target}


def _apply_compatibility_rules(subgraph: Subgraph) -> None:
    """Key fields of a type extension are not external (`extend type T @key(fields: "id")
    { id: ID! @external }` is the Federation 1 idiom, still accepted by Federation 2); in a
    Federation 1 subgraph value types and extensions are shareable."""
    for typedef in subgraph.types.values():
        key_fields = {name for key in typedef.keys for name in field_set_names(key.fields)}
        for field in typedef.fields.values():
            fed1_object = subgraph.is_fed1 and typedef.kind == "object"
            if fed1_object and (not typedef.keys or typedef.extension):
                field.shareable = True
            if typedef.extension and field.name in key_fields:
                field.external = False


def _store_directive_definitions(reader: _Reader, definitions: Sequence[DefinitionNode]) -> None:
    for definition in definitions:
        if isinstance(definition, DirectiveDefinitionNode):
            name = definition.name.value
            if name in reader.composed:
                reader.subgraph.directive_definitions[name] = print_ast(definition)
    for name in reader.composed:
        if name not in reader.subgraph.directive_definitions:
            message = (
                f"[{reader.source.name}] Could not find matching directive definition for argument "
                f'to @composeDirective "@{name}" in subgraph "{reader.source.name}".'
            )
            line = reader.links.composed_lines.get(name)
            where = Location(subgraph=reader.source.name, coordinate=f"@{name}", line=line)
            reader.errors.append(
                CompositionError(
                    code=codes.DIRECTIVE_COMPOSITION_ERROR, message=message, locations=(where,)
                )
            )


def _read(source: SubgraphSource, document: DocumentNode, links: LinkInfo) -> _Reader:
    reader = _Reader(source, links)
    reader.renames = _root_renames(document)
    for definition in document.definitions:
        if not isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            continue
        if not _is_internal(definition.name.value):
            reader.fold(definition)
    _store_directive_definitions(reader, document.definitions)
    types = reader.subgraph.types
    types.setdefault("Query", TypeDef(name="Query", kind="object"))
    for kind, name in _ROOT_NAMES.items():
        if name in types:
            reader.subgraph.roots[kind] = name
    _apply_compatibility_rules(reader.subgraph)
    return reader


def parse_subgraph(source: SubgraphSource) -> tuple[Subgraph | None, list[CompositionError]]:
    """Parse one subgraph's SDL; on failure return None and the problems found."""
    where = (Location(subgraph=source.name),)
    try:
        document = parse(source.sdl)
    except GraphQLSyntaxError as error:
        line = error.locations[0].line if error.locations else None
        return None, [
            CompositionError(
                code=codes.INVALID_GRAPHQL,
                message=f"[{source.name}] {error.message}",
                locations=(Location(subgraph=source.name, line=line),),
            )
        ]
    links = read_links(document)
    errors = [
        CompositionError(code=codes.UNKNOWN_FEDERATION_LINK_VERSION, message=p, locations=where)
        for p in links.problems
    ]
    reader = _read(source, document, links)
    return reader.subgraph, errors + reader.errors
