"""Operations telemetry: OpenTelemetry traces, Prometheus metrics and the JSON access log.

`Telemetry(config)` is what the server builds once per app (`pipeline.py`): its hooks wrap the
request pipeline's steps, `observer` watches each subgraph request for the HTTP transport, and
`metrics.endpoint` serves `GET /metrics`. `tracing.py` sets up the OpenTelemetry SDK (OTLP over
HTTP/protobuf), `metrics.py` holds the Prometheus metrics (and the multiprocess folder for
`--workers`), `record.py` what one request gathers, `access_log.py` its JSON line.
"""

from gateway.telemetry.metrics import (
    MULTIPROC_ENV,
    GatewayMetrics,
    ServingFacts,
    multiprocess_folder,
)
from gateway.telemetry.pipeline import Telemetry
from gateway.telemetry.record import FetchProbe, RequestRecord, SubgraphCall, current_record

__all__ = [
    "MULTIPROC_ENV",
    "FetchProbe",
    "GatewayMetrics",
    "RequestRecord",
    "ServingFacts",
    "SubgraphCall",
    "Telemetry",
    "current_record",
    "multiprocess_folder",
]
