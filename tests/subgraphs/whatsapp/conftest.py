"""Fixtures for the WhatsApp subgraph tests (shared with the Facebook and Instagram ones)."""

from tests.subgraphs.whatsapp.platform_world import graph, own_graph

__all__ = ["graph", "own_graph"]
