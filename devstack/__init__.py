"""Developer stack: the database, the four subgraphs, the gateway and the demo world.

Everything here starts real processes on 127.0.0.1 and stops exactly the ones it started, by PID,
so that `make run`, `make smoke` and the integration tests share one way of running the graph.
"""

__all__: list[str] = []
