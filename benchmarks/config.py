"""Fixed addresses and CPU placement shared by the harness, the subgraphs and the supergraph.

The committed supergraph names these subgraph URLs, so the ports are constants, not options.
"""

from __future__ import annotations

__all__ = [
    "GATEWAY_CORE",
    "GATEWAY_PORT",
    "HOST",
    "LOAD_CORE",
    "SUBGRAPH_PORTS",
    "subgraph_url",
]

HOST = "127.0.0.1"
GATEWAY_PORT = 14100
SUBGRAPH_PORTS = {"accounts": 14201, "inventory": 14202, "products": 14203, "reviews": 14204}
GATEWAY_CORE = 0
LOAD_CORE = 1


def subgraph_url(name: str) -> str:
    return f"http://{HOST}:{SUBGRAPH_PORTS[name]}/graphql"
