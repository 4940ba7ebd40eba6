"""Fixtures for the WhatsApp subgraph tests (shared with the Facebook and Instagram ones)."""

from platform_world import graph

__all__ = ["graph"]
