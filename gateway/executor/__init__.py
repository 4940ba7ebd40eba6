"""The executor stage: run a query plan over a transport, merging every answer into one tree.

Subgraphs are reached through `gateway.transports`; the merged data is then given the client's
shape by `gateway.shaping`. A `@defer` plan runs in parts (`defer.py`): the primary part, then
each deferred part as its parent completes.
"""

from gateway.executor.defer import DeferredOutcome, execute_deferred, execute_primary
from gateway.executor.execute import ExecutionOutcome, RequestContext, execute_plan

__all__ = [
    "DeferredOutcome",
    "ExecutionOutcome",
    "RequestContext",
    "execute_deferred",
    "execute_plan",
    "execute_primary",
]
