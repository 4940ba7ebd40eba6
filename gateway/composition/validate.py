"""Validation entry points: per-subgraph rules before merging, supergraph rules after.

One module per rule family: `validate_subgraph` (field sets, externals, overrides, types) and
`validate_merged` (field sharing, external bases, interface implementations).
"""

from gateway.composition.validate_merged import validate_merged
from gateway.composition.validate_subgraph import validate_subgraph

__all__ = ["validate_merged", "validate_subgraph"]
