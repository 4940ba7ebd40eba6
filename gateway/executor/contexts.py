"""Fill `@fromContext` arguments: one `_entities` field per distinct set of context values.

A fetch with `context_rewrites` passes each contextual argument as one variable, but the
objects at its Flatten path may sit under different context objects (two users' comments), so
their values differ. The objects are grouped by their values; one group is sent as planned,
several go in one request with an aliased `_entities` field per group, each with its own copy
of the variables (as Apollo Router does), so every answer is resolved with the context of its
own path and the subgraph is still called once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import orjson
from graphql import (
    FieldNode,
    NameNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from gateway.executor.batch import send_batch
from gateway.executor.fetch import FetchContext, run_fetch
from gateway.executor.paths import Located, flatten_path, type_matches
from gateway.operation.minify import strip_ignored_characters
from gateway.planner.plan import BatchFetchNode, EntityBatch, FetchNode, KeyRenamer

__all__ = ["aliased_fetch", "context_values", "group_by_context", "run_with_contexts"]


def context_values(
    located: Located,
    rewrites: Sequence[KeyRenamer],
    root: Mapping[str, Any],
    possible_types: Mapping[str, frozenset[str]],
) -> dict[str, Any]:
    """The variables for one object: each rewrite climbs `..` response fields from the object,
    keeps the context object if its type matches `... on T`, and reads the field."""
    found: dict[str, Any] = {}
    path = flatten_path(located[1])
    for rewrite in rewrites:
        if rewrite.rename_key_to in found:
            continue
        value = _read(root, path, rewrite.path, possible_types)
        if value is not _ABSENT:
            found[rewrite.rename_key_to] = value
    for rewrite in rewrites:
        found.setdefault(rewrite.rename_key_to, None)
    return found


_ABSENT = object()


def _read(
    root: Mapping[str, Any],
    path: list[str | int],
    steps: Sequence[str],
    possible_types: Mapping[str, frozenset[str]],
) -> object:
    ups = 0
    while ups < len(steps) and steps[ups] == "..":
        ups += 1
    end = len(path)
    for _ in range(ups):
        while end and isinstance(path[end - 1], int):
            end -= 1
        end -= 1
    if end < 0:
        return _ABSENT
    current: object = root
    for key in path[:end]:
        if isinstance(current, dict) and isinstance(key, str):
            current = current.get(key)
        elif isinstance(current, list) and isinstance(key, int) and key < len(current):
            current = current[key]
        else:
            return _ABSENT
    for step in steps[ups:]:
        if not isinstance(current, dict):
            return _ABSENT
        if step.startswith("... on "):
            if not type_matches(current.get("__typename"), step[7:], possible_types):
                return _ABSENT
        elif step in current:
            current = current[step]
        else:
            return _ABSENT
    return current


def group_by_context(
    fetch: FetchNode,
    targets: Sequence[Located],
    root: Mapping[str, Any],
    possible_types: Mapping[str, frozenset[str]],
) -> list[tuple[dict[str, Any], list[Located]]]:
    """The targets grouped by their context values, in order of first appearance."""
    groups: dict[bytes, tuple[dict[str, Any], list[Located]]] = {}
    for located in targets:
        values = context_values(located, fetch.context_rewrites, root, possible_types)
        key = orjson.dumps(values, option=orjson.OPT_SORT_KEYS)
        groups.setdefault(key, (values, []))[1].append(located)
    return list(groups.values())


async def run_with_contexts(
    fetch: FetchNode, targets: Sequence[Located], ctx: FetchContext
) -> None:
    """Send `fetch` for `targets`: as planned when they share their context values, else as one
    request with an aliased `_entities` field per distinct set of values."""
    groups = group_by_context(fetch, targets, ctx.root, ctx.possible_types)
    if len(groups) == 1:
        values, members = groups[0]
        await run_fetch(fetch, members, ctx, values)
        return
    node = aliased_fetch(fetch, len(groups))
    variables = {
        f"{name}_{index}": value
        for index, (values, _) in enumerate(groups)
        for name, value in values.items()
    }
    await send_batch(node, [members for _, members in groups], ctx, variables)


@lru_cache(maxsize=256)
def aliased_fetch(fetch: FetchNode, count: int) -> BatchFetchNode:
    """`fetch` as `count` aliased `_entities` fields, each with its own representations and
    its own copy of the context variables (`$contextualArgument_1_0_<i>`), as Apollo Router
    rewrites such a fetch."""
    document = parse(fetch.operation, no_location=True)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    entities = operation.selection_set.selections[0]
    assert isinstance(entities, FieldNode)
    assert entities.selection_set is not None
    contextual = {rewrite.rename_key_to for rewrite in fetch.context_rewrites}
    definitions = {
        d.variable.name.value: print_ast(d.type) for d in operation.variable_definitions or ()
    }
    header: list[str] = []
    fields: list[str] = []
    batches: list[EntityBatch] = []
    for index in range(count):
        header.append(f"$__context_reps_{index}:[_Any!]!")
        header.extend(f"${name}_{index}:{definitions[name]}" for name in sorted(contextual))
        body = print_ast(_renamed(entities.selection_set, contextual, f"_{index}"))
        fields.append(f"_{index}:_entities(representations:$__context_reps_{index}){body}")
        batches.append(
            EntityBatch(
                alias=f"_{index}",
                variable=f"__context_reps_{index}",
                paths=(),
                requires=fetch.requires or (),
                input_rewrites=fetch.input_rewrites,
                output_rewrites=fetch.output_rewrites,
            )
        )
    shared = [name for name in fetch.variable_usages if name not in contextual]
    header.extend(f"${name}:{definitions[name]}" for name in shared if name in definitions)
    name = f" {fetch.operation_name}" if fetch.operation_name else ""
    text = f"query{name}({' '.join(header)}){{{' '.join(fields)}}}"
    return BatchFetchNode(
        service_name=fetch.service_name,
        operation=strip_ignored_characters(text),
        entities=tuple(batches),
        operation_name=fetch.operation_name,
        variable_usages=tuple(shared),
    )


def _renamed(selection: SelectionSetNode, names: set[str], suffix: str) -> Node:
    """`selection` with each variable in `names` renamed `<name><suffix>`."""

    class Rename(Visitor):
        def enter_variable(self, node: VariableNode, *_: object) -> VariableNode | None:
            if node.name.value in names:
                return VariableNode(name=NameNode(value=node.name.value + suffix))
            return None

    renamed: Node = visit(selection, Rename())
    return renamed
