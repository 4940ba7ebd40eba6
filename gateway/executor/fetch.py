"""Run one Fetch node: send it, then merge the answer and the subgraph's errors.

A root fetch merges `data` into the objects it runs against (the root). An entity fetch sends
one deduplicated representation per object, merges `_entities[i]` back into every object that
produced representation i, and maps error paths `["_entities", i, ...]` onto those objects'
client paths. A failed subgraph adds one error naming it; the fields it should have filled stay
missing, and shaping turns them into nulls.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import FieldNode, OperationDefinitionNode, Source
from graphql.language.parser import Parser

from gateway.executor.entities import entity_representations
from gateway.executor.merge import deep_merge
from gateway.executor.paths import Located, flatten_path
from gateway.executor.representations import apply_rewrites
from gateway.operation import FastLexer
from gateway.planner import BatchFetchNode, FetchNode
from gateway.transports import (
    SUBREQUEST_HTTP_ERROR,
    SUBREQUEST_MALFORMED_RESPONSE,
    SubgraphFailure,
    SubgraphRequest,
    Transport,
)

__all__ = [
    "DOWNSTREAM_SERVICE_ERROR",
    "GATEWAY_TIMEOUT",
    "FetchContext",
    "entity_errors",
    "failure_error",
    "malformed",
    "merge_into",
    "request_for",
    "run_fetch",
    "timed_out_errors",
    "transport_failure",
]

log = logging.getLogger(__name__)

DOWNSTREAM_SERVICE_ERROR = "DOWNSTREAM_SERVICE_ERROR"  # Apollo's code for a subgraph's own error
GATEWAY_TIMEOUT = "GATEWAY_TIMEOUT"  # the request's deadline passed before this fetch answered

ErrorPaths = Callable[[], list[list[str | int]]]
"""Where a fetch's failure errors go, computed only if it fails (most never do)."""
_fetch_ids = itertools.count()


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchContext:
    """What every fetch of one request shares.

    `in_flight` holds the fetches sent and not yet answered, so that when the request's
    deadline cancels them each still gets a GATEWAY_TIMEOUT error at its own path.
    """

    transport: Transport
    variables: Mapping[str, Any]
    headers: Mapping[str, str]
    possible_types: Mapping[str, frozenset[str]]
    errors: list[dict[str, Any]]
    in_flight: dict[int, tuple[str, ErrorPaths]] = field(default_factory=dict)
    root: Mapping[str, Any] = field(default_factory=dict)  # the merged data (context values)

    def sending(self, service_name: str, paths: ErrorPaths) -> int:
        """Record a fetch about to wait for `service_name`; `answered` forgets it."""
        key = next(_fetch_ids)
        self.in_flight[key] = (service_name, paths)
        return key

    def answered(self, key: int) -> None:
        del self.in_flight[key]


def timed_out_errors(ctx: FetchContext, seconds: float) -> list[dict[str, Any]]:
    """GATEWAY_TIMEOUT errors for the fetches still waiting when the deadline passed."""
    errors: list[dict[str, Any]] = []
    for service_name, paths in ctx.in_flight.values():
        failure = SubgraphFailure(
            message=f"Subgraph '{service_name}' did not answer before the request's "
            f"{seconds:g}s deadline",
            code=GATEWAY_TIMEOUT,
        )
        errors.extend(failure_error(service_name, failure, path) for path in paths())
    ctx.in_flight.clear()
    return errors


async def run_fetch(
    fetch: FetchNode,
    targets: Sequence[Located],
    ctx: FetchContext,
    variables: Mapping[str, Any] | None = None,
) -> None:
    """Execute `fetch` against `targets` (the root, or the objects a Flatten found);
    `variables` go beside the client's (context values, `executor/contexts.py`)."""
    if fetch.requires is None:
        await _root_fetch(fetch, targets, ctx)
    else:
        await _entity_fetch(fetch, targets, ctx, variables)


def request_for(
    fetch: FetchNode | BatchFetchNode, ctx: FetchContext, extra: Mapping[str, Any] | None = None
) -> SubgraphRequest:
    variables = {
        name: ctx.variables[name] for name in fetch.variable_usages if name in ctx.variables
    }
    if extra:
        variables.update(extra)
    return SubgraphRequest(
        query=fetch.operation,
        operation_name=fetch.operation_name,
        variables=variables,
        headers=ctx.headers,
        is_mutation=fetch.operation_kind == "mutation",
    )


def transport_failure(service_name: str, error: Exception) -> SubgraphFailure:
    """A transport bug becomes a failure value, never an exception."""
    log.exception("transport failed for subgraph %s", service_name, exc_info=error)
    return SubgraphFailure(
        message=f"Request to subgraph '{service_name}' failed: {type(error).__name__}",
        code=SUBREQUEST_HTTP_ERROR,
    )


async def _root_fetch(fetch: FetchNode, targets: Sequence[Located], ctx: FetchContext) -> None:
    key = ctx.sending(fetch.service_name, lambda: [_root_path(fetch)])
    try:  # not in a helper coroutine: one frame less per fetch
        result = await ctx.transport.fetch(fetch.service_name, request_for(fetch, ctx))
    except Exception as problem:
        result = transport_failure(fetch.service_name, problem)
    ctx.answered(key)
    if isinstance(result, SubgraphFailure):
        ctx.errors.append(failure_error(fetch.service_name, result, _root_path(fetch)))
        return
    for error in result.errors:
        ctx.errors.append(_with_service(error, fetch.service_name, error.get("path")))
    if result.data is None:
        return
    apply_rewrites(result.data, fetch.output_rewrites, ctx.possible_types)
    merge_into(targets, result.data, ctx.possible_types)


async def _entity_fetch(
    fetch: FetchNode,
    targets: Sequence[Located],
    ctx: FetchContext,
    context: Mapping[str, Any] | None = None,
) -> None:
    representations, owners = entity_representations(fetch, targets, ctx)
    if not representations:
        return
    request = request_for(fetch, ctx, {"representations": representations, **(context or {})})
    key = ctx.sending(fetch.service_name, lambda: [flatten_path(owners[0][0][1])])
    try:
        result = await ctx.transport.fetch(fetch.service_name, request)
    except Exception as problem:
        result = transport_failure(fetch.service_name, problem)
    ctx.answered(key)
    if isinstance(result, SubgraphFailure):
        ctx.errors.append(failure_error(fetch.service_name, result, flatten_path(owners[0][0][1])))
        return
    for error in result.errors:
        ctx.errors.extend(entity_errors(error, fetch.service_name, owners))
    entities = (result.data or {}).get("_entities")
    if result.data is None and result.errors:
        return
    if not isinstance(entities, list) or len(entities) != len(representations):
        failure = malformed(fetch.service_name)
        ctx.errors.append(failure_error(fetch.service_name, failure, flatten_path(owners[0][0][1])))
        return
    rewrites = fetch.output_rewrites
    for entity, owned in zip(entities, owners, strict=True):
        if not isinstance(entity, dict):
            continue
        if rewrites:
            apply_rewrites(entity, rewrites, ctx.possible_types)
        merge_into(owned, entity, ctx.possible_types)


def malformed(service_name: str) -> SubgraphFailure:
    return SubgraphFailure(
        message=f"Subgraph '{service_name}' returned a malformed `_entities` list",
        code=SUBREQUEST_MALFORMED_RESPONSE,
    )


def merge_into(
    targets: Sequence[Located], source: dict[str, Any], abstract: Mapping[str, Any]
) -> None:
    """`deep_merge` of `source` into every target, the common cases as plain `update`s.

    An entity answer is merged into every object that shares its representation (often
    dozens), and usually brings only fields those objects lack, or only leaf values: either
    way `deep_merge` would do exactly what `update` does.
    """
    if _leaves_only(source):
        for target, _ in targets:
            target.update(source)
        return
    keys = source.keys()
    for target, _ in targets:
        if keys.isdisjoint(target):
            target.update(source)
        else:
            deep_merge(target, source, abstract)


def _leaves_only(source: dict[str, Any]) -> bool:
    """Whether `deep_merge` of `source` replaces whatever the target holds at each of its keys.

    True without `__typename` (which an abstract name must not replace) and without objects or
    lists (which merge into the target's own): every other value simply replaces.
    """
    if "__typename" in source:
        return False
    for value in source.values():
        if value.__class__ is dict or value.__class__ is list:
            return False
    return True


def entity_errors(
    error: dict[str, Any],
    service_name: str,
    owners: Sequence[Sequence[Located]],
    field: str = "_entities",
) -> list[dict[str, Any]]:
    """One error per object the failing representation came from, at that object's path."""
    path = error.get("path")
    if (
        isinstance(path, list)
        and len(path) >= 2
        and path[0] == field
        and isinstance(path[1], int)
        and 0 <= path[1] < len(owners)
    ):
        rest = tuple(path[2:])
        return [
            _with_service(error, service_name, [*flatten_path(at), *rest])
            for _, at in owners[path[1]]
        ]
    return [_with_service(error, service_name, None)]


def _with_service(
    error: dict[str, Any], service_name: str, path: Sequence[Any] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"message": str(error.get("message", "Subgraph error"))}
    if path:
        out["path"] = list(path)
    extensions = error.get("extensions")
    merged = dict(extensions) if isinstance(extensions, dict) else {}
    merged.setdefault("code", DOWNSTREAM_SERVICE_ERROR)
    merged["serviceName"] = service_name
    out["extensions"] = merged
    return out


def failure_error(
    service_name: str, failure: SubgraphFailure, path: list[str | int]
) -> dict[str, Any]:
    error: dict[str, Any] = {"message": failure.message}
    if path:
        error["path"] = path
    error["extensions"] = {"code": failure.code, "serviceName": service_name}
    return error


def _root_path(fetch: FetchNode) -> list[str | int]:
    """Where a failed root fetch's error goes: its first response key."""
    return list(_root_keys(fetch.operation)[:1])


CACHED_OPERATION_CHARS = 4096
"""Subgraph operations up to this size have their root keys remembered (at most 4 MB in all):
a larger one carries a client's long string literal, which a cache would keep alive."""


def _root_keys(operation: str) -> tuple[str, ...]:
    """The top-level response keys a root fetch fills (used to place its failure error)."""
    if len(operation) > CACHED_OPERATION_CHARS:
        return _read_root_keys(operation)
    return _cached_root_keys(operation)


@lru_cache(maxsize=1024)
def _cached_root_keys(operation: str) -> tuple[str, ...]:
    return _read_root_keys(operation)


def _read_root_keys(operation: str) -> tuple[str, ...]:
    source = Source(operation)
    try:
        document = Parser(source, no_location=True, lexer=FastLexer(source)).parse_document()
    except Exception:
        return ()
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            return tuple(
                (s.alias or s.name).value
                for s in definition.selection_set.selections
                if isinstance(s, FieldNode)
            )
    return ()
