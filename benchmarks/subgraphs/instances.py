"""The four workload subgraph schemas as module attributes, for `subgraphs.<name>.schema`
(`module:attribute`): `python -m benchmarks inprocess` serves them inside the gateway."""

from __future__ import annotations

from benchmarks.subgraphs.schema import build_subgraph_schema

__all__ = ["accounts", "inventory", "products", "reviews"]

accounts = build_subgraph_schema("accounts")
inventory = build_subgraph_schema("inventory")
products = build_subgraph_schema("products")
reviews = build_subgraph_schema("reviews")
