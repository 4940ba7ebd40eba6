"""Print plans as Apollo does: the text form of `prettyFormatQueryPlan`, and the JSON form with
Apollo's field names, so our plans can be compared with theirs line by line."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    parse,
    print_ast,
)

from gateway.planner.plan import (
    BatchFetchNode,
    ConditionNode,
    DeferNode,
    EntityBatch,
    FetchNode,
    FieldSelection,
    FlattenNode,
    FragmentSelection,
    KeyRenamer,
    ParallelNode,
    PlanNode,
    QueryPlan,
    RequiresSelection,
    Rewrite,
    SequenceNode,
    ValueSetter,
)

__all__ = ["plan_extensions", "plan_to_json", "print_plan"]

_INDENT = "  "


def print_plan(plan: QueryPlan) -> str:
    """The plan in Apollo's text form."""
    return "QueryPlan {" + _nodes((plan.node,) if plan.node else (), "") + "}"


def _defer(node: DeferNode, indentation: str) -> str:
    """Apollo's `Defer { Primary {...}, [ Deferred(...) {...}, ] }` (without the
    subselections Apollo prints: the client operation says them)."""
    inner = indentation + _INDENT
    primary = (node.primary,) if node.primary else ()
    text = "Defer {\n" + inner + "Primary {" + _nodes(primary, inner) + "}, [\n"
    for part in node.deferred:
        depends = "" if part.depends is None else str(part.depends)
        label = "" if part.label is None else f', label: "{part.label}"'
        head = (
            f'Deferred(id: {part.id}, depends: [{depends}], path: "{"/".join(part.path)}"{label})'
        )
        body = _nodes((part.node,) if part.node else (), inner + _INDENT)
        text += inner + _INDENT + head + " {" + body + "},\n"
    return text + inner + "]\n" + indentation + "}"


def _nodes(nodes: tuple[PlanNode, ...], indentation: str) -> str:
    if not nodes:
        return ""
    inner = indentation + _INDENT
    printed = [inner + _node(node, inner) for node in nodes]
    return "\n" + ",\n".join(printed) + ",\n" + indentation


def _node(node: PlanNode, indentation: str) -> str:
    match node:
        case FetchNode():
            return _fetch(node, indentation)
        case BatchFetchNode():
            return _batch(node, indentation)
        case FlattenNode():
            return (
                f'Flatten(path: "{".".join(node.path)}") {{'
                + _nodes((node.node,), indentation)
                + "}"
            )
        case SequenceNode():
            return "Sequence {" + _nodes(node.nodes, indentation) + "}"
        case ParallelNode():
            return "Parallel {" + _nodes(node.nodes, indentation) + "}"
        case ConditionNode():
            return _condition(node, indentation)
        case DeferNode():
            return _defer(node, indentation)


def _condition(node: ConditionNode, indentation: str) -> str:
    inner = indentation + _INDENT
    deeper = inner + _INDENT
    if node.if_clause is not None and node.else_clause is not None:
        return (
            f"Condition(if: ${node.condition}) {{\n{inner}Then {{\n"
            f"{deeper}{_node(node.if_clause, deeper)}\n{inner}}} Else {{\n"
            f"{deeper}{_node(node.else_clause, deeper)}\n{inner}}}\n{indentation}}}"
        )
    word, clause = ("Include", node.if_clause) if node.if_clause else ("Skip", node.else_clause)
    assert clause is not None
    return f"{word}(if: ${node.condition}) {{\n{inner}{_node(clause, inner)}\n{indentation}}}"


def _selection_text(selection: SelectionSetNode, indentation: str) -> str:
    return "\n".join(indentation + line for line in print_ast(selection).strip().split("\n"))


def _fetch(node: FetchNode, indentation: str) -> str:
    inner = indentation + _INDENT
    text = f'Fetch(service: "{node.service_name}") {{\n'
    if node.requires is not None:
        text += _selection_text(_requires_ast(node.requires), inner) + " =>\n"
    text += _selection_text(_operation_selection(node.operation), inner)
    return text + f"\n{indentation}}}"


def _batch(node: BatchFetchNode, indentation: str) -> str:
    """Hive Router's text form: each `_entities` alias with its paths and inputs, then the
    operation."""
    inner = indentation + _INDENT
    deeper = inner + _INDENT
    text = f'BatchFetch(service: "{node.service_name}") {{\n{inner}{{\n'
    for entity in node.entities:
        text += f"{deeper}{entity.alias} {{\n{deeper}{_INDENT}paths: [\n"
        for path in entity.paths:
            text += f'{deeper}{_INDENT * 2}"{".".join(path)}"\n'
        text += f"{deeper}{_INDENT}]\n"
        text += _selection_text(_requires_ast(entity.requires), deeper + _INDENT)
        text += f"\n{deeper}}}\n"
    text += f"{inner}}}\n"
    definition = parse(node.operation, no_location=True).definitions[0]
    assert isinstance(definition, OperationDefinitionNode)
    text += _selection_text(definition.selection_set, inner)
    return text + f"\n{indentation}}}"


def _operation_selection(operation: str) -> SelectionSetNode:
    definition = parse(operation, no_location=True).definitions[0]
    assert isinstance(definition, OperationDefinitionNode)
    first = definition.selection_set.selections[0]
    if isinstance(first, FieldNode) and first.name.value == "_entities" and first.selection_set:
        return first.selection_set
    return definition.selection_set


def _requires_ast(selections: tuple[RequiresSelection, ...]) -> SelectionSetNode:
    nodes: list[SelectionNode] = []
    for item in selections:
        if isinstance(item, FieldSelection):
            sub = _requires_ast(item.selections) if item.selections else None
            nodes.append(FieldNode(name=NameNode(value=item.name), selection_set=sub))
        else:
            condition = NamedTypeNode(name=NameNode(value=item.type_condition))
            nodes.append(
                InlineFragmentNode(
                    type_condition=condition, selection_set=_requires_ast(item.selections)
                )
            )
    return SelectionSetNode(selections=tuple(nodes))


def plan_extensions(plan: QueryPlan) -> dict[str, Any]:
    """The plan as a response's `extensions` carry it when the client asks (both forms)."""
    return {"queryPlan": plan_to_json(plan), "queryPlanText": print_plan(plan)}


def plan_to_json(plan: QueryPlan) -> dict[str, Any]:
    """The plan as JSON-ready data with Apollo's field names."""
    return {"kind": "QueryPlan", "node": _json(plan.node) if plan.node else None}


def _defer_json(node: DeferNode) -> dict[str, Any]:
    deferred = [
        {
            "id": str(part.id),
            "depends": [] if part.depends is None else [{"id": str(part.depends)}],
            "label": part.label,
            "queryPath": list(part.path),
            "node": _json(part.node) if part.node else None,
        }
        for part in node.deferred
    ]
    primary = {"node": _json(node.primary) if node.primary else None}
    return {"kind": "Defer", "primary": primary, "deferred": deferred}


def _json(node: PlanNode) -> dict[str, Any]:
    match node:
        case FetchNode():
            return _fetch_json(node)
        case BatchFetchNode():
            return _batch_json(node)
        case FlattenNode():
            return {"kind": "Flatten", "path": list(node.path), "node": _json(node.node)}
        case SequenceNode():
            return {"kind": "Sequence", "nodes": [_json(n) for n in node.nodes]}
        case ParallelNode():
            return {"kind": "Parallel", "nodes": [_json(n) for n in node.nodes]}
        case ConditionNode():
            return {
                "kind": "Condition",
                "condition": node.condition,
                "ifClause": _json(node.if_clause) if node.if_clause else None,
                "elseClause": _json(node.else_clause) if node.else_clause else None,
            }
        case DeferNode():
            return _defer_json(node)


def _fetch_json(node: FetchNode) -> dict[str, Any]:
    result: dict[str, Any] = {"kind": "Fetch", "serviceName": node.service_name}
    if node.requires is not None:
        result["requires"] = [_requires_json(r) for r in node.requires]
    result["variableUsages"] = list(node.variable_usages)
    result["operation"] = node.operation
    if node.operation_name is not None:
        result["operationName"] = node.operation_name
    result["operationKind"] = node.operation_kind
    if node.input_rewrites:
        result["inputRewrites"] = [_rewrite_json(r) for r in node.input_rewrites]
    if node.context_rewrites:
        result["contextRewrites"] = [_rewrite_json(r) for r in node.context_rewrites]
    if node.output_rewrites:
        result["outputRewrites"] = [_rewrite_json(r) for r in node.output_rewrites]
    if node.id is not None:
        result["id"] = node.id
    return result


def _batch_json(node: BatchFetchNode) -> dict[str, Any]:
    result: dict[str, Any] = {
        "kind": "BatchFetch",
        "serviceName": node.service_name,
        "entityBatches": [_entity_batch_json(e) for e in node.entities],
        "variableUsages": list(node.variable_usages),
        "operation": node.operation,
        "operationKind": node.operation_kind,
    }
    if node.operation_name is not None:
        result["operationName"] = node.operation_name
    return result


def _entity_batch_json(entity: EntityBatch) -> dict[str, Any]:
    result: dict[str, Any] = {
        "alias": entity.alias,
        "representationsVariable": entity.variable,
        "paths": [list(path) for path in entity.paths],
        "requires": [_requires_json(r) for r in entity.requires],
    }
    if entity.input_rewrites:
        result["inputRewrites"] = [_rewrite_json(r) for r in entity.input_rewrites]
    if entity.output_rewrites:
        result["outputRewrites"] = [_rewrite_json(r) for r in entity.output_rewrites]
    return result


def _requires_json(item: RequiresSelection) -> dict[str, Any]:
    if isinstance(item, FragmentSelection):
        return {
            "kind": "InlineFragment",
            "typeCondition": item.type_condition,
            "selections": [_requires_json(s) for s in item.selections],
        }
    result: dict[str, Any] = {"kind": "Field", "name": item.name}
    if item.selections is not None:
        result["selections"] = [_requires_json(s) for s in item.selections]
    return result


def _rewrite_json(rewrite: Rewrite) -> dict[str, Any]:
    if isinstance(rewrite, ValueSetter):
        return {
            "kind": "ValueSetter",
            "path": list(rewrite.path),
            "setValueTo": rewrite.set_value_to,
        }
    assert isinstance(rewrite, KeyRenamer)
    return {"kind": "KeyRenamer", "path": list(rewrite.path), "renameKeyTo": rewrite.rename_key_to}
