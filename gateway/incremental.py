"""`@defer` answered in parts (incremental delivery, `deferSpec=20220824` as Apollo Router
sends it): the first payload `{data, errors?, hasNext: true}`, then one payload per deferred
part as it completes, `{incremental: [{data, path, label?, errors?}], hasNext}`.

Per document and set of `@defer(if:)` values (and override labels), the operation is split
(`operation/defer.py`), planned into a `DeferNode` and the parts' shapes compiled, all kept on
the `Runnable`. A request runs the primary part and shapes it with the primary operation; each
deferred part, when done, is shaped with its slice (the path to the fragment and the
fragment's own fields) over the same merged data, and cut into one item per object the
fragment applies to at its path (one per list element), found in what the client already has.
Errors go with the item whose path holds them; a null bubbling out of the fragment makes that
item's data null, as the spec says. A client that takes one whole answer gets the operation
planned with every `@defer` off (`plannable`), as any other.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gateway.executor import RequestContext, execute_deferred, execute_primary
from gateway.operation import (
    DeferSplit,
    PreparedOperation,
    defer_variables,
    has_defer,
    split_defers,
)
from gateway.planner import DeferNode, DeferredNode, QueryPlan, plan_extensions
from gateway.shaping import CompiledShape, compile_shape, directive_variables, shape_response

if TYPE_CHECKING:
    from gateway.documents import Runnable
    from gateway.runtime import Gateway, GatewayResult

__all__ = ["DeferPlanned", "execute_incremental", "plannable", "uses_defer"]

MAX_DEFER_PLANS_PER_DOCUMENT = 8
"""Splits kept per operation (one per set of `@defer(if:)` values and labels seen)."""
MAX_SHAPES_PER_PART = 4
"""Compiled shapes kept per part of a split (one per set of `@skip`/`@include` values)."""


@dataclass(slots=True, kw_only=True, eq=False)
class DeferPlanned:
    """One split of an operation, its plan, and the parts' compiled shapes (by block id, None
    for the primary part, and `@skip`/`@include` values)."""

    split: DeferSplit
    plan: QueryPlan
    directive_variables: tuple[str, ...]
    shapes: dict[tuple[object, ...], CompiledShape] = field(default_factory=dict)


def uses_defer(operation: Runnable) -> bool:
    """Whether the operation has `@defer` (looked for once per operation)."""
    if operation.uses_defer is None:
        operation.uses_defer = has_defer(operation.prepared)
        operation.defer_variables = defer_variables(operation.prepared)
    return operation.uses_defer


def plannable(operation: Runnable) -> PreparedOperation:
    """The operation to plan for one whole answer: every `@defer` off, none sent on."""
    if not uses_defer(operation):
        return operation.prepared
    return split_defers(operation.prepared, {}, enabled=False).planned


async def execute_incremental(
    gateway: Gateway,
    operation: Runnable,
    variables: Mapping[str, Any],
    labels: frozenset[str],
    forwarded: dict[str, str],
    deadline: float | None,
    include_plan: bool = False,
) -> GatewayResult | None:
    """The first payload and an iterator of the rest, or None when nothing is deferred for
    these variables (the caller answers in one response). With `include_plan` the first
    payload's `extensions` hold the `Defer` plan, as a whole answer's hold its plan."""
    from gateway.runtime import GatewayResult  # the runtime imports this module

    if not uses_defer(operation) or operation.prepared.kind != "query":
        return None
    values = tuple(variables.get(name) is not False for name in operation.defer_variables)
    planned = _planned(gateway, operation, labels, values)
    if planned is None or isinstance(planned, GatewayResult):
        return planned
    node = planned.plan.node
    assert isinstance(node, DeferNode)
    api = gateway.supergraph.api_schema
    transport = gateway.transport
    context = RequestContext(
        headers=forwarded,
        possible_types=gateway.possible_types,
        deadline=deadline,
        budget=gateway.options.request_timeout or 0.0,
    )
    outcome = await execute_primary(node, variables, transport, context)
    primary = _shape(gateway, planned, None, planned.split.primary, variables)
    body = shape_response(
        planned.split.primary, api, variables, outcome.data, outcome.errors, compiled=primary
    )
    if body["data"] is None:
        return GatewayResult(body=body)

    async def subsequent() -> AsyncIterator[dict[str, Any]]:
        delivered: dict[str, Any] = _copy(body["data"])
        blocks = {block.id: block for block in planned.split.blocks}
        remaining = len(node.deferred)
        parts = execute_deferred(node, variables, transport, context, outcome.data)
        async with aclosing(parts):  # a client gone away stops the parts still running
            async for done in parts:
                remaining -= 1
                block = blocks[done.part.id]
                shape = _shape(gateway, planned, block.id, block.slice, variables)
                shaped = shape_response(
                    block.slice, api, variables, outcome.data, done.errors, compiled=shape
                )
                items = _items(done.part, delivered, shaped)
                payload: dict[str, Any] = {"incremental": items} if items else {}
                payload["hasNext"] = remaining > 0
                yield payload

    first = {**body, "hasNext": True}
    if include_plan:
        first["extensions"] = plan_extensions(planned.plan)
    return GatewayResult(body=first, subsequent=subsequent())


def _planned(
    gateway: Gateway, operation: Runnable, labels: frozenset[str], values: tuple[bool, ...]
) -> DeferPlanned | GatewayResult | None:
    """The split and plan for these values, kept per operation; None when nothing is
    deferred (every `@defer` off, or the operation reads introspection, answered whole)."""
    from gateway.runtime import GatewayResult

    whole = gateway.planned(operation, labels)
    if isinstance(whole, GatewayResult):
        return whole
    if whole.has_introspection:
        return None
    key = (labels, values)
    found = operation.deferred.get(key)
    if found is None:
        active = dict(zip(operation.defer_variables, values, strict=True))
        split = split_defers(operation.prepared, active)
        plan = gateway.plan_operation(split.planned, labels) if split.blocks else None
        if isinstance(plan, GatewayResult):
            return plan
        found = DeferPlanned(
            split=split,
            plan=plan or QueryPlan(node=None),
            directive_variables=directive_variables(split.planned),
        )
        if len(operation.deferred) < MAX_DEFER_PLANS_PER_DOCUMENT:
            gateway.documents.grow(operation.key, operation.unit)
            operation.deferred[key] = found
    return found if isinstance(found.plan.node, DeferNode) else None


def _shape(
    gateway: Gateway,
    planned: DeferPlanned,
    block: int | None,
    prepared: PreparedOperation,
    variables: Mapping[str, Any],
) -> CompiledShape:
    key = (block, *(variables.get(name) for name in planned.directive_variables))
    compiled = planned.shapes.get(key)
    if compiled is None:
        compiled = compile_shape(prepared, gateway.supergraph.api_schema, variables)
        if len(planned.shapes) < MAX_SHAPES_PER_PART * (len(planned.split.blocks) + 1):
            planned.shapes[key] = compiled
    return compiled


def _items(
    part: DeferredNode, delivered: dict[str, Any], shaped: dict[str, Any]
) -> list[dict[str, Any]]:
    """One item per object at the part's path that the fragment applies to; each joins
    `delivered`, where nested parts look for their objects."""
    errors: list[dict[str, Any]] = shaped.get("errors", [])
    items: list[dict[str, Any]] = []
    for path in list(_objects(delivered, part.path, ())):
        value = _at(shaped["data"], path)
        mine = [e for e in errors if list(e.get("path") or ())[: len(path)] == list(path)]
        if value == {} and not mine:
            continue  # a type condition the object does not meet: nothing to deliver
        item: dict[str, Any] = {"data": value, "path": list(path)}
        if part.label is not None:
            item["label"] = part.label
        if mine:
            item["errors"] = mine
        items.append(item)
        if isinstance(value, dict):
            _merge(_at(delivered, path), value)
    return items


def _objects(
    value: Any, path: tuple[str, ...], here: tuple[str | int, ...]
) -> Iterator[tuple[str | int, ...]]:
    """The concrete paths (list indices for `@`) of the objects at `path`."""
    if not path:
        if isinstance(value, dict):
            yield here
        return
    head, rest = path[0], path[1:]
    if head == "@":
        if isinstance(value, list):
            for index, element in enumerate(value):
                yield from _objects(element, rest, (*here, index))
        return
    if isinstance(value, dict) and head in value:
        yield from _objects(value[head], rest, (*here, head))


def _at(value: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def _merge(target: Any, value: dict[str, Any]) -> None:
    if not isinstance(target, dict):
        return
    for key, item in value.items():
        here = target.get(key)
        if isinstance(item, dict) and isinstance(here, dict):
            _merge(here, item)
        elif isinstance(item, list) and isinstance(here, list) and len(item) == len(here):
            for old, new in zip(here, item, strict=True):
                if isinstance(new, dict):
                    _merge(old, new)
        else:
            target[key] = _copy(item)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
