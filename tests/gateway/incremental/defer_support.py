"""A gateway over the end-to-end subgraphs run in process, and helpers to read `@defer` parts."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from gateway.composition import CompositionSuccess, SubgraphSource, compose
from gateway.runtime import Gateway, GatewayOptions, GraphQLRequest
from gateway.supergraph import Supergraph, load_supergraph
from gateway.transports import InProcessTransport
from tests.gateway.e2e.e2e_subgraphs import SCHEMAS

__all__ = ["in_process_gateway", "merge_parts", "parts_of", "supergraph"]


@functools.cache
def supergraph() -> Supergraph:
    sources = []
    for name, build in SCHEMAS.items():
        result = build().execute_sync("{ _service { sdl } }")
        assert result.data is not None, result.errors
        sdl = result.data["_service"]["sdl"]
        sources.append(SubgraphSource(name=name, routing_url=f"http://{name}", sdl=sdl))
    composed = compose(sources)
    assert isinstance(composed, CompositionSuccess), composed
    loaded = load_supergraph(composed.supergraph_sdl)
    assert isinstance(loaded, Supergraph), loaded
    return loaded


def in_process_gateway(*, batch: bool = True) -> tuple[Gateway, InProcessTransport]:
    transport = InProcessTransport({name: build() for name, build in SCHEMAS.items()})
    options = GatewayOptions(batch_fetches=batch)
    return Gateway(supergraph(), transport, options), transport


async def parts_of(
    gateway: Gateway, query: str, variables: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every payload the gateway sends a multipart client, the first one first."""
    request = GraphQLRequest(query=query, variables=variables)
    result = await gateway.execute(request, {}, incremental=True)
    parts = [result.body]
    if result.subsequent is not None:
        parts.extend([part async for part in result.subsequent])
    return parts


def merge_parts(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """What a client has once every part arrived: items merged at their paths, errors kept."""
    data: dict[str, Any] = parts[0]["data"]
    errors = list(parts[0].get("errors", ()))
    for part in parts[1:]:
        for item in part.get("incremental", ()):
            errors.extend(item.get("errors", ()))
            target: Any = data
            for step in item["path"][:-1]:
                target = target[step]
            if not item["path"]:
                _merge(data, item["data"])
            elif item["data"] is None:
                target[item["path"][-1]] = None
            else:
                _merge(target[item["path"][-1]], item["data"])
    body: dict[str, Any] = {"data": data}
    if errors:
        body["errors"] = errors
    return body


def _merge(target: dict[str, Any], value: dict[str, Any]) -> None:
    for key, item in value.items():
        here = target.get(key)
        if isinstance(item, dict) and isinstance(here, dict):
            _merge(here, item)
        elif isinstance(item, list) and isinstance(here, list):
            for old, new in zip(here, item, strict=True):
                if isinstance(old, dict) and isinstance(new, dict):
                    _merge(old, new)
        else:
            target[key] = item
