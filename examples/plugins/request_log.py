"""Logs one JSON line per GraphQL request to a file: method, operation, status, client, time.

    plugins:
      - use: examples.plugins.request_log:RequestLog
        config: {path: /var/log/gateway/requests.jsonl}

The file is opened once, line-buffered: a line is one small `write`, which the OS buffers, so
the event loop is not held up by the disk.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from gateway.plugins import IncomingRequest, OutgoingResponse

__all__ = ["RequestLog"]

_STARTED = "request_log.started"


class RequestLog:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self._file = Path(str(config["path"])).open("a", encoding="utf-8", buffering=1)  # noqa: SIM115 - open for the process's life

    async def on_request(self, ctx: IncomingRequest) -> None:
        ctx.scope.state[_STARTED] = time.perf_counter()

    async def on_response(self, ctx: OutgoingResponse) -> None:
        started = ctx.scope.state.get(_STARTED, time.perf_counter())
        errors = ctx.body.get("errors") or ()
        line = {
            "method": ctx.scope.method,
            "operation": ctx.scope.operation_name,
            "status": ctx.status,
            "client": ctx.scope.client,
            "errors": [e.get("extensions", {}).get("code") for e in errors],
            "ms": round((time.perf_counter() - started) * 1000, 3),
        }
        self._file.write(orjson.dumps(line).decode() + "\n")
