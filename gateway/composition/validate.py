"""Validation entry points: per-subgraph rules before merging, supergraph rules after."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.composition.errors import CompositionError
from gateway.composition.model import Subgraph
from gateway.composition.supermodel import Supergraph

__all__ = ["validate_merged", "validate_subgraph"]


def validate_subgraph(subgraph: Subgraph) -> list[CompositionError]:
    return []


def validate_merged(
    supergraph: Supergraph, subgraphs: Sequence[Subgraph]
) -> list[CompositionError]:
    return []
