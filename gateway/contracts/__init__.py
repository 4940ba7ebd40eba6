"""Contracts: `@tag`-filtered API schemas of one supergraph, each servable on its own path."""

from .apply import contract_from_settings, contract_sdl, contract_supergraph
from .select import Contract, hidden_elements

__all__ = [
    "Contract",
    "contract_from_settings",
    "contract_sdl",
    "contract_supergraph",
    "hidden_elements",
]
