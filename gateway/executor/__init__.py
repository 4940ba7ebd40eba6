"""The executor stage: run a query plan over a transport, merging every answer into one tree.

Subgraphs are reached through `gateway.transports`; the merged data is then given the client's
shape by `gateway.shaping`.
"""

from gateway.executor.execute import ExecutionOutcome, RequestContext, execute_plan

__all__ = ["ExecutionOutcome", "RequestContext", "execute_plan"]
