"""`python -m benchmarks.subgraphs`: serve the four workload subgraphs in this process.

`--ports '{"accounts": 15001, ...}'` serves them elsewhere than the committed supergraph's
ports, and `--execute-every-time` turns the reply memo off (`python -m benchmarks inprocess`).
"""

from __future__ import annotations

import argparse
import asyncio

import orjson
import uvloop

from benchmarks.config import HOST, SUBGRAPH_PORTS
from benchmarks.subgraphs.server import serve_subgraphs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.subgraphs")
    parser.add_argument("--ports", help="JSON object: subgraph name -> port")
    parser.add_argument("--execute-every-time", action="store_true", help="no reply memo")
    args = parser.parse_args(argv)
    ports = {str(k): int(v) for k, v in orjson.loads(args.ports).items()} if args.ports else None
    uvloop.install()
    asyncio.run(serve_subgraphs(HOST, ports or SUBGRAPH_PORTS, memo=not args.execute_every_time))


if __name__ == "__main__":
    main()
