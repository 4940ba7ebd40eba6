"""Satisfiability placeholder."""

from __future__ import annotations

from gateway.composition.errors import CompositionError
from gateway.composition.supermodel import Supergraph

__all__ = ["check_satisfiability"]


def check_satisfiability(supergraph: Supergraph) -> list[CompositionError]:
    return []
