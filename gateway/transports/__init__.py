"""The transport stage: how the executor reaches subgraphs, behind one small Protocol.

`protocol.py` is the contract (a `SubgraphRequest` in, a `SubgraphResponse` or a
`SubgraphFailure` value out, never an exception); `http.py` is the pooled HTTP transport on the
keep-alive client of `http1.py`, with a policy per subgraph (`policy.py`: timeouts, connection
cap, the circuit breaker of `breaker.py`, the retries of `retry.py`); `inprocess.py` runs a
subgraph schema in the gateway's own process (tests, mounted subgraphs), and `routed.py` sends
the subgraphs the settings serve that way to it and the others over HTTP.
"""

from gateway.transports.breaker import BreakerSettings
from gateway.transports.files import FileUpload
from gateway.transports.http import HttpTransport, HttpTransportOptions
from gateway.transports.inprocess import InProcessTransport, RecordedRequest
from gateway.transports.policy import SUBGRAPH_CIRCUIT_OPEN, SubgraphPolicy
from gateway.transports.protocol import (
    SUBREQUEST_HTTP_ERROR,
    SUBREQUEST_MALFORMED_RESPONSE,
    SUBREQUEST_TIMEOUT,
    FetchObserver,
    FetchProbe,
    SubgraphFailure,
    SubgraphRequest,
    SubgraphResponse,
    SubgraphResult,
    Transport,
    parse_response_body,
    response_from_payload,
)
from gateway.transports.retry import REQUEST_DEADLINE, RetrySettings
from gateway.transports.routed import RoutedTransport

__all__ = [
    "REQUEST_DEADLINE",
    "SUBGRAPH_CIRCUIT_OPEN",
    "SUBREQUEST_HTTP_ERROR",
    "SUBREQUEST_MALFORMED_RESPONSE",
    "SUBREQUEST_TIMEOUT",
    "BreakerSettings",
    "FetchObserver",
    "FetchProbe",
    "FileUpload",
    "HttpTransport",
    "HttpTransportOptions",
    "InProcessTransport",
    "RecordedRequest",
    "RetrySettings",
    "RoutedTransport",
    "SubgraphFailure",
    "SubgraphPolicy",
    "SubgraphRequest",
    "SubgraphResponse",
    "SubgraphResult",
    "Transport",
    "parse_response_body",
    "response_from_payload",
]
