"""The composer's input and output values: subgraph sources in, success or failure out."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.composition.errors import CompositionError

__all__ = ["CompositionFailure", "CompositionSuccess", "SubgraphSource"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphSource:
    """One subgraph to compose: its name, where the gateway reaches it, and its SDL."""

    name: str
    routing_url: str
    sdl: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositionSuccess:
    """A composed supergraph in Apollo's join-spec format."""

    supergraph_sdl: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositionFailure:
    """Every problem found, at once; composition never raises for a bad input."""

    errors: tuple[CompositionError, ...]

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)
