"""Fixtures for the subscription tests: the platform subgraphs' stack (stopped and restarted)."""

from tests.subgraphs.whatsapp.platform_world import own_graph

__all__ = ["own_graph"]
