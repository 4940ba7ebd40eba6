"""Where the standard workload's files live, so every module reads them from one place."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import orjson

__all__ = [
    "BENCH_DIR",
    "QUERY",
    "REFERENCE",
    "ROOT_DIR",
    "SUBGRAPH_NAMES",
    "SUPERGRAPH",
    "WORKLOAD_DIR",
    "data",
    "query_text",
    "reference_response",
    "subgraph_sdl",
]

BENCH_DIR = Path(__file__).resolve().parent
ROOT_DIR = BENCH_DIR.parent
WORKLOAD_DIR = BENCH_DIR / "workload"
QUERY = WORKLOAD_DIR / "query.graphql"
REFERENCE = WORKLOAD_DIR / "reference_response.json"
SUPERGRAPH = WORKLOAD_DIR / "supergraph.graphql"
SUBGRAPH_NAMES = ("accounts", "inventory", "products", "reviews")


def subgraph_sdl(name: str) -> str:
    return (WORKLOAD_DIR / f"{name}.graphql").read_text()


@functools.cache
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads((WORKLOAD_DIR / "data.json").read_bytes())
    return loaded


@functools.cache
def query_text() -> str:
    return QUERY.read_text()


@functools.cache
def reference_response() -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(REFERENCE.read_bytes())
    return loaded
