"""Composition: Federation subgraph SDLs -> a supergraph SDL in Apollo's join-spec format.

`compose` is the entry point; it returns `CompositionSuccess | CompositionFailure` and never raises
for a bad input.
"""

from gateway.composition.compose import compose
from gateway.composition.errors import CompositionError, Location
from gateway.composition.source import CompositionFailure, CompositionSuccess, SubgraphSource

__all__ = [
    "CompositionError",
    "CompositionFailure",
    "CompositionSuccess",
    "Location",
    "SubgraphSource",
    "compose",
]
