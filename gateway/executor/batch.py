"""Run one BatchFetch node: several `_entities` fields in one request to one subgraph.

Each entity batch gathers the objects at all of its paths, sends one deduplicated
representation per distinct entity (an entity found at several paths is asked for once),
and merges `alias[i]` back into every object representation i came from. Error paths
`[alias, i, ...]` land on those objects' client paths. A failed request adds one error per
batch that had something to fetch, at its first object's path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gateway.executor.entities import entity_representations
from gateway.executor.fetch import (
    FetchContext,
    entity_errors,
    failure_error,
    malformed,
    merge_into,
    request_for,
    transport_failure,
)
from gateway.executor.paths import Located, PathIndex, flatten_path
from gateway.executor.representations import apply_rewrites
from gateway.planner import BatchFetchNode
from gateway.transports import SubgraphFailure

__all__ = ["run_batch", "send_batch"]


async def run_batch(node: BatchFetchNode, index: PathIndex, ctx: FetchContext) -> None:
    """Send the batch and merge each `_entities` alias into the objects it was asked for."""
    targets = [[found for path in e.paths for found in index.find(path)] for e in node.entities]
    await send_batch(node, targets, ctx)
    for entity in node.entities:
        for merged in entity.paths:
            index.merged_below(merged)


async def send_batch(
    node: BatchFetchNode,
    targets: Sequence[Sequence[Located]],
    ctx: FetchContext,
    variables: Mapping[str, Any] | None = None,
) -> None:
    """Send the batch for the objects of each entity batch (with `variables` beside the
    client's) and merge the answers into them."""
    owners_by: list[list[list[Located]]] = []
    extra: dict[str, Any] = dict(variables or {})
    sent = False
    for entity, found in zip(node.entities, targets, strict=True):
        reps, owners = entity_representations(entity, found, ctx)
        extra[entity.variable] = reps
        owners_by.append(owners)
        sent = sent or bool(reps)
    if not sent:
        return
    key = ctx.sending(node.service_name, lambda: _failure_paths(owners_by))
    try:
        result = await ctx.transport.fetch(node.service_name, request_for(node, ctx, extra))
    except Exception as problem:
        result = transport_failure(node.service_name, problem)
    ctx.answered(key)
    if isinstance(result, SubgraphFailure):
        for at in _failure_paths(owners_by):
            ctx.errors.append(failure_error(node.service_name, result, at))
        return
    aliases = {
        entity.alias: owners for entity, owners in zip(node.entities, owners_by, strict=True)
    }
    for error in result.errors:
        ctx.errors.extend(_batch_errors(error, node.service_name, aliases))
    if result.data is None and result.errors:
        return
    data = result.data or {}
    for entity, owners in zip(node.entities, owners_by, strict=True):
        if owners:
            _merge_entities(node, entity.alias, entity.output_rewrites, data, owners, ctx)


def _failure_paths(owners_by: list[list[list[Located]]]) -> list[list[str | int]]:
    """One error path per batch that had something to fetch: its first object's path."""
    return [flatten_path(owners[0][0][1]) for owners in owners_by if owners]


def _merge_entities(
    node: BatchFetchNode,
    alias: str,
    rewrites: Sequence[Any],
    data: dict[str, Any],
    owners: list[list[Located]],
    ctx: FetchContext,
) -> None:
    entities = data.get(alias)
    if not isinstance(entities, list) or len(entities) != len(owners):
        path = flatten_path(owners[0][0][1])
        ctx.errors.append(failure_error(node.service_name, malformed(node.service_name), path))
        return
    for entity, owned in zip(entities, owners, strict=True):
        if not isinstance(entity, dict):
            continue
        if rewrites:
            apply_rewrites(entity, rewrites, ctx.possible_types)
        merge_into(owned, entity, ctx.possible_types)


def _batch_errors(
    error: dict[str, Any], service_name: str, aliases: dict[str, list[list[Located]]]
) -> list[dict[str, Any]]:
    path = error.get("path")
    owners = aliases.get(path[0]) if isinstance(path, list) and path else None
    if owners is None:
        return entity_errors(error, service_name, [], "")
    assert isinstance(path, list)
    return entity_errors(error, service_name, owners, path[0])
