"""Fixtures shared with the WhatsApp subgraph tests: `platform_world` lives beside them."""

from tests.subgraphs.whatsapp.platform_world import graph

__all__ = ["graph"]
