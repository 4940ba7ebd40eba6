"""The JSON access log: one line per GraphQL request on stderr (`logs.access: json`).

A line says what an operator needs to find a request and see where its time went: the trace id
(the gateway's span when tracing, else the caller's `traceparent`), the operation's type and
name, the client app and version (`gateway/clients.py`), the outcome, the HTTP status, the
duration and each subgraph call. It never holds what a client sends as data or credentials: no
variables, no document text, no other header, no peer address (a deployment behind a proxy
would log the proxy anyway).

Lines go through the `gateway.access` logger with a handler of its own that writes only the
JSON (no level or logger prefix), so a log shipper can read every line as one object.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

import orjson

from gateway.clients import ClientIdentity
from gateway.telemetry.record import RequestRecord

__all__ = ["AccessLog"]

LOGGER_NAME = "gateway.access"


class AccessLog:
    """Writes one JSON line per request through the `gateway.access` logger."""

    def __init__(self) -> None:
        self._log = logging.getLogger(LOGGER_NAME)
        if not self._log.handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(message)s"))
            self._log.addHandler(handler)
            self._log.propagate = False
            self._log.setLevel(logging.INFO)

    def write(
        self,
        record: RequestRecord,
        *,
        trace_id: str | None,
        method: str,
        path: str,
        status: int,
        outcome: str,
        client: ClientIdentity,
        error_codes: tuple[str, ...],
        seconds: float,
    ) -> None:
        line: dict[str, Any] = {
            "time": time.time(),
            "event": "graphql_request",
            "trace_id": trace_id,
            "method": method,
            "path": path,
            "status": status,
            "outcome": outcome,
            "operation_type": record.operation_type,
            "operation_name": record.operation_name or None,
            "client_name": client.name,
            "client_version": client.version,
            "duration_ms": round(seconds * 1000, 3),
            "error_codes": list(error_codes),
            "subgraph_calls": [
                {
                    "subgraph": call.subgraph,
                    "status": call.status,
                    "outcome": call.outcome,
                    "duration_ms": round(call.seconds * 1000, 3),
                }
                for call in record.calls
            ],
        }
        self._log.info(orjson.dumps(line).decode())
