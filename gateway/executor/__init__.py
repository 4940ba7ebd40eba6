"""The executor stage: run a query plan over a transport, merge, then shape for the client."""

from gateway.executor.execute import ExecutionOutcome, RequestContext, execute_plan
from gateway.executor.http import HttpTransport, HttpTransportOptions
from gateway.executor.inprocess import InProcessTransport
from gateway.executor.introspection import answer_introspection
from gateway.executor.shape import shape_response
from gateway.executor.transport import (
    SubgraphFailure,
    SubgraphRequest,
    SubgraphResponse,
    SubgraphResult,
    Transport,
)

__all__ = [
    "ExecutionOutcome",
    "HttpTransport",
    "HttpTransportOptions",
    "InProcessTransport",
    "RequestContext",
    "SubgraphFailure",
    "SubgraphRequest",
    "SubgraphResponse",
    "SubgraphResult",
    "Transport",
    "answer_introspection",
    "execute_plan",
    "shape_response",
]
