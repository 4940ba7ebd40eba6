"""Composing from a Rover-shaped `supergraph.yaml`: subgraph schemas from files or live `_service`.

The config has the shape Rover reads, so one file serves both tools:

    federation_version: =2.9.0
    subgraphs:
      accounts:
        routing_url: http://127.0.0.1:4001/graphql
        schema:
          file: ./accounts.graphql            # relative to this file
      products:
        routing_url: http://127.0.0.1:4002/graphql
        schema:
          subgraph_url: http://127.0.0.1:4002/graphql   # fetched through `{ _service { sdl } }`
          introspection_headers: {X-Token: "${env.SUBGRAPH_TOKEN}"}   # Rover's interpolation
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from gateway.composition.compose import compose
from gateway.composition.errors import CompositionError, Location, codes
from gateway.composition.source import CompositionFailure, CompositionSuccess, SubgraphSource

__all__ = [
    "ComposeConfig",
    "ComposeConfigError",
    "SubgraphConfig",
    "compose_from_config",
    "compose_from_config_sync",
    "fetch_sources",
    "load_compose_config",
]

SERVICE_SDL_QUERY = "query SubgraphIntrospectQuery { _service { sdl } }"


class ComposeConfigError(ValueError):
    """The config file is missing, not YAML, or not in Rover's `supergraph.yaml` shape."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphConfig:
    """One subgraph entry: where the gateway routes to, and where its schema comes from."""

    name: str
    routing_url: str
    schema_file: Path | None = None
    subgraph_url: str | None = None
    introspection_headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ComposeConfig:
    """A parsed `supergraph.yaml`."""

    path: Path
    federation_version: str | None
    subgraphs: tuple[SubgraphConfig, ...]


def _subgraph(base: Path, name: str, entry: Any) -> SubgraphConfig:
    if not isinstance(entry, dict) or not isinstance(entry.get("schema"), dict):
        raise ComposeConfigError(f'subgraph "{name}": expected a mapping with a "schema" mapping')
    schema: dict[str, Any] = entry["schema"]
    routing_url = entry.get("routing_url") or schema.get("subgraph_url")
    if not isinstance(routing_url, str):
        raise ComposeConfigError(f'subgraph "{name}": "routing_url" is required')
    headers = schema.get("introspection_headers") or {}
    if "file" in schema:
        return SubgraphConfig(
            name=name, routing_url=routing_url, schema_file=base / str(schema["file"])
        )
    if "subgraph_url" in schema:
        return SubgraphConfig(
            name=name,
            routing_url=routing_url,
            subgraph_url=str(schema["subgraph_url"]),
            introspection_headers={str(k): str(v) for k, v in dict(headers).items()},
        )
    raise ComposeConfigError(
        f'subgraph "{name}": schema must have "file" or "subgraph_url" (no graph refs)'
    )


_ENV = re.compile(r"\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}")


def _expand_env(text: str, path: Path) -> str:
    """Rover's `${env.NAME}` interpolation, so secrets stay out of the file."""
    missing = sorted({m.group(1) for m in _ENV.finditer(text) if m.group(1) not in os.environ})
    if missing:
        raise ComposeConfigError(f"{path}: environment variables not set: {', '.join(missing)}")
    return _ENV.sub(lambda m: os.environ[m.group(1)], text)


def load_compose_config(path: str | Path) -> ComposeConfig:
    """Read and check a `supergraph.yaml`; raises `ComposeConfigError` with a clear message."""
    config_path = Path(path)
    try:
        raw = yaml.safe_load(_expand_env(config_path.read_text(), config_path))
    except (OSError, yaml.YAMLError) as error:
        raise ComposeConfigError(f"{config_path}: {error}") from error
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("subgraphs"), dict)
        or not raw["subgraphs"]
    ):
        raise ComposeConfigError(f'{config_path}: expected a "subgraphs" mapping with entries')
    version = raw.get("federation_version")
    base = config_path.parent
    subgraphs = tuple(_subgraph(base, str(name), entry) for name, entry in raw["subgraphs"].items())
    return ComposeConfig(
        path=config_path,
        federation_version=None if version is None else str(version),
        subgraphs=subgraphs,
    )


def _failure(code: str, message: str, subgraph: str | None = None) -> CompositionError:
    return CompositionError(code=code, message=message, locations=(Location(subgraph=subgraph),))


async def _fetch_sdl(session: aiohttp.ClientSession, subgraph: SubgraphConfig) -> str:
    assert subgraph.subgraph_url is not None
    async with session.post(
        subgraph.subgraph_url,
        json={"query": SERVICE_SDL_QUERY},
        headers=dict(subgraph.introspection_headers),
    ) as response:
        body = await response.json(content_type=None)
    if response.status != 200 or not isinstance(body, dict):
        raise ValueError(f"HTTP {response.status}")
    sdl = ((body.get("data") or {}).get("_service") or {}).get("sdl")
    if not isinstance(sdl, str):
        raise ValueError(f"no _service.sdl in the answer: {body.get('errors')}")
    return sdl


async def _load_source(
    session: aiohttp.ClientSession, subgraph: SubgraphConfig
) -> SubgraphSource | CompositionError:
    try:
        if subgraph.schema_file is not None:
            sdl = await asyncio.to_thread(subgraph.schema_file.read_text)
        else:
            sdl = await _fetch_sdl(session, subgraph)
    except (OSError, ValueError, aiohttp.ClientError, TimeoutError) as error:
        where = subgraph.schema_file or subgraph.subgraph_url
        return _failure(
            codes.SUBGRAPH_FETCH_FAILED,
            f'Could not load the schema of subgraph "{subgraph.name}" from {where}: {error}',
            subgraph.name,
        )
    return SubgraphSource(name=subgraph.name, routing_url=subgraph.routing_url, sdl=sdl)


FETCH_TIMEOUT_SECONDS = 10.0


async def fetch_sources(config: ComposeConfig) -> list[SubgraphSource] | CompositionFailure:
    """Every subgraph's SDL (files read, live subgraphs asked concurrently), or every failure."""
    client_timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=client_timeout) as session:
        loaded = await asyncio.gather(*(_load_source(session, s) for s in config.subgraphs))
    errors = tuple(item for item in loaded if isinstance(item, CompositionError))
    if errors:
        return CompositionFailure(errors=errors)
    return [item for item in loaded if isinstance(item, SubgraphSource)]


async def compose_from_config(path: str | Path) -> CompositionSuccess | CompositionFailure:
    """Load `path` (Rover's `supergraph.yaml` shape), gather every SDL and compose (async).

    Never raises for a bad config or an unreachable subgraph: those come back as a
    `CompositionFailure` with code INVALID_CONFIG or SUBGRAPH_FETCH_FAILED.
    """
    try:
        config = load_compose_config(path)
    except ComposeConfigError as error:
        return CompositionFailure(errors=(_failure(codes.INVALID_CONFIG, str(error)),))
    sources = await fetch_sources(config)
    if isinstance(sources, CompositionFailure):
        return sources
    return compose(sources)


def compose_from_config_sync(path: str | Path) -> CompositionSuccess | CompositionFailure:
    """`compose_from_config` for callers without a running event loop (the CLI)."""
    return asyncio.run(compose_from_config(path))
