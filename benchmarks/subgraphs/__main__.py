"""`python -m benchmarks.subgraphs`: serve the four workload subgraphs in this process."""

from __future__ import annotations

import asyncio

import uvloop

from benchmarks.config import HOST, SUBGRAPH_PORTS
from benchmarks.subgraphs.server import serve_subgraphs


def main() -> None:
    uvloop.install()
    asyncio.run(serve_subgraphs(HOST, SUBGRAPH_PORTS))


if __name__ == "__main__":
    main()
