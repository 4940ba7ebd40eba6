"""`@defer` in the client's operation: which fragments are deferred, and the operations each
response part is shaped with.

A request's `@defer(if:)` values are known before planning, so the operation is rewritten per
set of values: fragment spreads are inlined (each deferred fragment becomes one node with one
place in the response), an inactive `@defer` is dropped (the fragment is an ordinary one) and an
active one becomes the marker `@defer(id: N)` that the planner reads. From that marked operation
come the operations the parts are shaped with: the primary one (deferred fragments removed) and,
per deferred fragment, a slice (only the path down to the fragment and the fragment's own
selection, nested deferred fragments removed). No subgraph ever sees `@defer`: the planner
strips the marker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    NameNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
)

from gateway.operation.prepared import PreparedOperation

__all__ = [
    "DeferBlock",
    "DeferSplit",
    "defer_label",
    "defer_mark",
    "defer_variables",
    "has_defer",
    "split_defers",
    "without_defer_mark",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferBlock:
    """One active deferred fragment: its marker id, label, enclosing deferred fragment, and
    the operation its incremental part is shaped with."""

    id: int
    label: str | None
    parent: int | None
    slice: PreparedOperation


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferSplit:
    """The marked operation (to plan), the primary one (to shape the first part) and the
    deferred fragments in document order (parents before children)."""

    planned: PreparedOperation
    primary: PreparedOperation
    blocks: tuple[DeferBlock, ...]


def has_defer(prepared: PreparedOperation) -> bool:
    """Whether any selection of the operation (or its fragments) carries `@defer`."""
    nodes = [
        prepared.operation.selection_set,
        *(f.selection_set for f in prepared.fragments.values()),
    ]
    while nodes:
        for node in nodes.pop().selections:
            if any(d.name.value == "defer" for d in node.directives or ()):
                return True
            sub = getattr(node, "selection_set", None)
            if sub is not None:
                nodes.append(sub)
    return False


def defer_variables(prepared: PreparedOperation) -> tuple[str, ...]:
    """The variables `@defer(if: $v)` reads, once each, in document order."""
    found: dict[str, None] = {}
    nodes = [
        prepared.operation.selection_set,
        *(f.selection_set for f in prepared.fragments.values()),
    ]
    while nodes:
        for node in nodes.pop().selections:
            for directive in node.directives or ():
                value = _argument(directive, "if")
                if directive.name.value == "defer" and isinstance(value, VariableNode):
                    found[value.name.value] = None
            sub = getattr(node, "selection_set", None)
            if sub is not None:
                nodes.append(sub)
    return tuple(found)


def defer_mark(directives: tuple[DirectiveNode, ...]) -> int | None:
    """The id of the `@defer(id: N)` marker among a fragment's directives, if any."""
    for directive in directives:
        value = _argument(directive, "id") if directive.name.value == "defer" else None
        if isinstance(value, IntValueNode):
            return int(value.value)
    return None


def defer_label(directives: tuple[DirectiveNode, ...]) -> str | None:
    """The label of the `@defer` among these directives, if it has one."""
    for directive in directives:
        value = _argument(directive, "label") if directive.name.value == "defer" else None
        if isinstance(value, StringValueNode):
            return value.value
    return None


def without_defer_mark(directives: tuple[DirectiveNode, ...]) -> tuple[DirectiveNode, ...]:
    return tuple(d for d in directives if d.name.value != "defer")


@dataclass(slots=True)
class _Marker:
    """Inlines spreads and marks active deferred fragments, numbering them."""

    prepared: PreparedOperation
    active: Mapping[str, Any]
    enabled: bool
    labels: list[str | None] = field(default_factory=list)
    parents: list[int | None] = field(default_factory=list)

    def selections(
        self, selection_set: SelectionSetNode, parent: int | None
    ) -> tuple[SelectionNode, ...]:
        out: list[SelectionNode] = []
        for node in selection_set.selections:
            directives = tuple(node.directives or ())
            if isinstance(node, FieldNode):
                sub = node.selection_set
                inner = SelectionSetNode(selections=self.selections(sub, parent)) if sub else None
                out.append(_field(node, inner))
                continue
            if isinstance(node, FragmentSpreadNode):
                definition = self.prepared.fragments[node.name.value]
                condition, body = definition.type_condition, definition.selection_set
            else:
                assert isinstance(node, InlineFragmentNode)
                condition, body = node.type_condition, node.selection_set
            kept = without_defer_mark(directives)
            deferred = next((d for d in directives if d.name.value == "defer"), None)
            here = parent
            if deferred is not None and self._is_active(deferred):
                here = len(self.labels)
                label = _argument(deferred, "label")
                text = label.value if isinstance(label, StringValueNode) else None
                self.labels.append(text)
                self.parents.append(parent)
                kept = (*kept, _marker(here, text))
            inner_nodes = self.selections(body, here)
            out.append(
                InlineFragmentNode(
                    type_condition=condition,
                    directives=kept,
                    selection_set=SelectionSetNode(selections=inner_nodes),
                )
            )
        return tuple(out)

    def _is_active(self, directive: DirectiveNode) -> bool:
        if not self.enabled:
            return False
        value = _argument(directive, "if")
        if isinstance(value, BooleanValueNode):
            return value.value
        if isinstance(value, VariableNode):
            return self.active.get(value.name.value) is not False
        return True


def split_defers(
    prepared: PreparedOperation, active: Mapping[str, Any], *, enabled: bool = True
) -> DeferSplit:
    """The operation with each `@defer` decided by `active` (the `if:` variables' values): a
    variable that is false turns its `@defer` off; one missing counts as true, the default.
    Without `enabled` every `@defer` is off (a client that takes one whole answer)."""
    marker = _Marker(prepared, active, enabled)
    marked = marker.selections(prepared.operation.selection_set, None)
    planned = _with_selections(prepared, marked)
    primary = _with_selections(prepared, _prune(marked, None))
    blocks = tuple(
        DeferBlock(
            id=index,
            label=label,
            parent=marker.parents[index],
            slice=_with_selections(prepared, _prune(marked, index) or ()),
        )
        for index, label in enumerate(marker.labels)
    )
    return DeferSplit(planned=planned, primary=primary, blocks=blocks)


def _prune(nodes: tuple[SelectionNode, ...], target: int | None) -> tuple[SelectionNode, ...]:
    """With `target` None: every deferred fragment removed. Otherwise only the selections on
    the path to fragment `target`, and its own selection (nested deferred ones removed)."""
    out: list[SelectionNode] = []
    for node in nodes:
        mark = defer_mark(tuple(node.directives or ()))
        if target is None and mark is not None:
            continue
        sub = getattr(node, "selection_set", None)
        if target is not None and mark == target:
            assert isinstance(node, InlineFragmentNode)
            inner = SelectionSetNode(selections=_prune(node.selection_set.selections, None))
            directives = without_defer_mark(tuple(node.directives or ()))
            out.append(
                InlineFragmentNode(
                    type_condition=node.type_condition, directives=directives, selection_set=inner
                )
            )
            continue
        if sub is None:
            if target is None:
                out.append(node)
            continue
        kept = _prune(sub.selections, target)
        if target is not None and not kept:
            continue
        out.append(_with_sub(node, SelectionSetNode(selections=kept)))
    return tuple(out)


def _with_sub(node: SelectionNode, sub: SelectionSetNode) -> SelectionNode:
    if isinstance(node, FieldNode):
        return _field(node, sub)
    assert isinstance(node, InlineFragmentNode)
    directives = without_defer_mark(tuple(node.directives or ()))
    return InlineFragmentNode(
        type_condition=node.type_condition, directives=directives, selection_set=sub
    )


def _field(node: FieldNode, sub: SelectionSetNode | None) -> FieldNode:
    return FieldNode(
        alias=node.alias,
        name=node.name,
        arguments=node.arguments,
        directives=node.directives,
        selection_set=sub,
        loc=node.loc,
    )


def _with_selections(
    prepared: PreparedOperation, nodes: tuple[SelectionNode, ...]
) -> PreparedOperation:
    operation = OperationDefinitionNode(
        operation=prepared.operation.operation,
        name=prepared.operation.name,
        variable_definitions=prepared.operation.variable_definitions,
        directives=prepared.operation.directives,
        selection_set=SelectionSetNode(selections=nodes),
    )
    document = DocumentNode(definitions=(operation,))
    return replace(prepared, document=document, operation=operation, fragments={})


def _marker(index: int, label: str | None) -> DirectiveNode:
    arguments = [ArgumentNode(name=NameNode(value="id"), value=IntValueNode(value=str(index)))]
    if label is not None:
        arguments.append(
            ArgumentNode(name=NameNode(value="label"), value=StringValueNode(value=label))
        )
    return DirectiveNode(name=NameNode(value="defer"), arguments=tuple(arguments))


def _argument(directive: DirectiveNode, name: str) -> object:
    for argument in directive.arguments or ():
        if argument.name.value == name:
            return argument.value
    return None
