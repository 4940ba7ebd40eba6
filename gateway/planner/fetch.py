"""Turn a finished fetch group into a `FetchNode`: the subgraph operation text, the variables
it uses (with the client's definitions), and the `requires` selection for representations."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from graphql import (
    ArgumentNode,
    DirectiveNode,
    FieldNode,
    InlineFragmentNode,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    print_ast,
)

from gateway.operation import strip_ignored_characters
from gateway.planner.groups import Group
from gateway.planner.plan import (
    BatchFetchNode,
    EntityBatch,
    FetchNode,
    FieldSelection,
    FragmentSelection,
    OperationKind,
    RequiresSelection,
    Rewrite,
)
from gateway.planner.selections import FieldItem, Sel

__all__ = ["FetchContext", "batch_fetch_node", "fetch_node"]


class FetchContext:
    """What every fetch of one plan shares: the client's operation and a fetch counter."""

    def __init__(self, operation: OperationDefinitionNode, kind: OperationKind) -> None:
        self.operation = operation
        self.kind = kind
        self.definitions = {
            d.variable.name.value: print_ast(d) for d in operation.variable_definitions or ()
        }
        self.count = 0

    def name(self, service: str) -> str | None:
        base = self.operation.name.value if self.operation.name else None
        index = self.count
        self.count += 1
        return f"{base}__{_safe(service)}__{index}" if base else None


def _safe(service: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in service)


def _values(value: ValueNode) -> Iterator[str]:
    if isinstance(value, VariableNode):
        yield value.name.value
    elif isinstance(value, ListValueNode):
        for item in value.values:
            yield from _values(item)
    elif isinstance(value, ObjectValueNode):
        for field in value.fields:
            yield from _values(field.value)


def _variables(node: Node) -> Iterator[str]:
    arguments: tuple[ArgumentNode, ...] = ()
    directives: tuple[DirectiveNode, ...] = ()
    if isinstance(node, FieldNode | InlineFragmentNode):
        directives = tuple(node.directives or ())
    if isinstance(node, FieldNode):
        arguments = tuple(node.arguments or ())
    for argument in arguments + tuple(a for d in directives for a in d.arguments or ()):
        yield from _values(argument.value)
    selection_set = getattr(node, "selection_set", None)
    if isinstance(selection_set, SelectionSetNode):
        for child in selection_set.selections:
            yield from _variables(child)


def _requires(sel: Sel) -> tuple[RequiresSelection, ...]:
    result: list[RequiresSelection] = []
    for item in sel.items.values():
        if isinstance(item, FieldItem):
            sub = _requires(item.sub) if item.sub is not None else None
            result.append(FieldSelection(name=item.name, selections=sub))
        else:
            condition = item.type_condition or ""
            result.append(
                FragmentSelection(type_condition=condition, selections=_requires(item.sub))
            )
    return tuple(result)


def fetch_node(
    group: Group, context: FetchContext, output_rewrites: tuple[Rewrite, ...] = ()
) -> FetchNode:
    """The fetch for one group; entity fetches wrap their selection in `_entities`."""
    selection = group.selection.to_ast()
    used = dict.fromkeys(v for node in selection.selections for v in _variables(node))
    usages = tuple(name for name in context.definitions if name in used)
    definitions = [context.definitions[name] for name in usages]
    body = print_ast(selection)
    kind: OperationKind = "query" if group.entity or group.reentry else context.kind
    usages += tuple(group.context_variables)
    definitions += [f"${name}: {type_}" for name, type_ in group.context_variables.items()]
    if group.entity:
        definitions.insert(0, "$representations: [_Any!]!")
        body = f"{{ _entities(representations: $representations) {body} }}"
    name = context.name(group.service)
    header = kind + (f" {name}" if name else "")
    if definitions:
        header += f"({', '.join(definitions)})"
    operation = body if header == "query" else f"{header} {body}"
    return FetchNode(
        service_name=group.service,
        operation=strip_ignored_characters(operation),
        operation_kind=kind,
        operation_name=name,
        variable_usages=usages,
        requires=_requires(group.requires) if group.entity else None,
        input_rewrites=tuple(group.input_rewrites),
        output_rewrites=output_rewrites,
        context_rewrites=tuple(group.context_rewrites),
    )


def batch_fetch_node(
    groups: Sequence[tuple[Group, tuple[Rewrite, ...]]], context: FetchContext
) -> BatchFetchNode:
    """One request for several entity groups to one subgraph (each with its output renames).

    Groups that ask the same thing of the same representations (at other paths) share one
    `_entities` field, so an entity found at several paths is sent and answered once.
    """
    service = groups[0][0].service
    shared: dict[tuple[object, ...], tuple[str, list[tuple[str, ...]], Group, tuple[Rewrite, ...]]]
    shared = {}
    for group, renames in groups:
        body = print_ast(group.selection.to_ast())
        key = (body, _requires(group.requires), tuple(group.input_rewrites), renames)
        if key in shared:
            shared[key][1].append(group.path)
        else:
            shared[key] = (body, [group.path], group, renames)
    entities: list[EntityBatch] = []
    fields: list[str] = []
    used: dict[str, None] = {}
    for index, (body, paths, group, renames) in enumerate(shared.values()):
        selection = group.selection.to_ast()
        used.update(dict.fromkeys(v for node in selection.selections for v in _variables(node)))
        alias, variable = f"_e{index}", f"__batch_reps_{index}"
        fields.append(f"{alias}: _entities(representations: ${variable}) {body}")
        entities.append(
            EntityBatch(
                alias=alias,
                variable=variable,
                paths=tuple(paths),
                requires=_requires(group.requires),
                input_rewrites=tuple(group.input_rewrites),
                output_rewrites=renames,
            )
        )
    usages = tuple(name for name in context.definitions if name in used)
    definitions = [f"${e.variable}: [_Any!]!" for e in entities]
    definitions += [context.definitions[name] for name in usages]
    name = context.name(service)
    header = "query" + (f" {name}" if name else "") + f"({', '.join(definitions)})"
    operation = f"{header} {{ {' '.join(fields)} }}"
    return BatchFetchNode(
        service_name=service,
        operation=strip_ignored_characters(operation),
        entities=tuple(entities),
        operation_name=name,
        variable_usages=usages,
    )
