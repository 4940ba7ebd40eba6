"""The transport stage: how the executor reaches subgraphs, behind one small Protocol.

`protocol.py` is the contract (a `SubgraphRequest` in, a `SubgraphResponse` or a
`SubgraphFailure` value out, never an exception); `http.py` is the pooled HTTP transport on the
keep-alive client of `http1.py`; `inprocess.py` runs a subgraph schema in the gateway's own
process (tests, mounted subgraphs).
"""

from gateway.transports.http import HttpTransport, HttpTransportOptions
from gateway.transports.inprocess import InProcessTransport, RecordedRequest
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

__all__ = [
    "SUBREQUEST_HTTP_ERROR",
    "SUBREQUEST_MALFORMED_RESPONSE",
    "SUBREQUEST_TIMEOUT",
    "FetchObserver",
    "FetchProbe",
    "HttpTransport",
    "HttpTransportOptions",
    "InProcessTransport",
    "RecordedRequest",
    "SubgraphFailure",
    "SubgraphRequest",
    "SubgraphResponse",
    "SubgraphResult",
    "Transport",
    "parse_response_body",
    "response_from_payload",
]
