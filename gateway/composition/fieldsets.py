"""Checking a `FieldSet` (`@key`, `@requires`, `@provides`) against one subgraph's types."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from gateway.composition.model import Field, Subgraph, base_type, parse_field_set

__all__ = ["FieldSetProblem", "check_field_set", "selected_fields"]

BUILTIN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSetProblem:
    """One thing wrong with a field set: `kind` is `syntax`, `unknown`, `args`, `abstract`,
    `leaf` (a sub-selection on a leaf) or `composite` (a composite without one)."""

    kind: str
    coordinate: str
    detail: str


def _kind_of(subgraph: Subgraph, name: str) -> str:
    if name in BUILTIN_SCALARS:
        return "scalar"
    typedef = subgraph.types.get(name)
    return typedef.kind if typedef is not None else "scalar"


def _walk(
    subgraph: Subgraph,
    type_name: str,
    selection_set: SelectionSetNode,
    problems: list[FieldSetProblem],
) -> None:
    typedef = subgraph.types.get(type_name)
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            target = selection.type_condition.name.value if selection.type_condition else type_name
            _walk(subgraph, target, selection.selection_set, problems)
            continue
        if not isinstance(selection, FieldNode) or selection.name.value == "__typename":
            continue
        name = selection.name.value
        coordinate = f"{type_name}.{name}"
        field = typedef.fields.get(name) if typedef is not None else None
        if field is None:
            problems.append(FieldSetProblem(kind="unknown", coordinate=coordinate, detail=name))
            continue
        _check_field(subgraph, field, coordinate, selection, problems)


def _check_field(
    subgraph: Subgraph,
    field: Field,
    coordinate: str,
    selection: FieldNode,
    problems: list[FieldSetProblem],
) -> None:
    if field.args:
        problems.append(FieldSetProblem(kind="args", coordinate=coordinate, detail=field.name))
    target = base_type(field.type)
    kind = _kind_of(subgraph, target)
    if kind in ("interface", "union"):
        problems.append(FieldSetProblem(kind="abstract", coordinate=coordinate, detail=kind))
    if kind in ("object", "interface", "union"):
        if selection.selection_set is None:
            problems.append(FieldSetProblem(kind="composite", coordinate=coordinate, detail=target))
        else:
            _walk(subgraph, target, selection.selection_set, problems)
    elif selection.selection_set is not None:
        problems.append(FieldSetProblem(kind="leaf", coordinate=coordinate, detail=target))


def check_field_set(subgraph: Subgraph, type_name: str, fields: str) -> list[FieldSetProblem]:
    """Every problem with selecting `fields` on `type_name` in `subgraph`."""
    selection_set = parse_field_set(fields)
    if selection_set is None:
        return [FieldSetProblem(kind="syntax", coordinate=type_name, detail=fields)]
    problems: list[FieldSetProblem] = []
    _walk(subgraph, type_name, selection_set, problems)
    return problems


def selected_fields(subgraph: Subgraph, type_name: str, fields: str) -> set[str]:
    """Every `Type.field` coordinate a field set selects, nested ones included."""
    selection_set = parse_field_set(fields)
    found: set[str] = set()

    def walk(current: str, node: SelectionSetNode) -> None:
        typedef = subgraph.types.get(current)
        for selection in node.selections:
            if isinstance(selection, InlineFragmentNode):
                target = (
                    selection.type_condition.name.value if selection.type_condition else current
                )
                walk(target, selection.selection_set)
            elif isinstance(selection, FieldNode):
                found.add(f"{current}.{selection.name.value}")
                field = typedef.fields.get(selection.name.value) if typedef else None
                if field is not None and selection.selection_set is not None:
                    walk(base_type(field.type), selection.selection_set)

    if selection_set is not None:
        walk(type_name, selection_set)
    return found
