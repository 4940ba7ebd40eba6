"""A plugin for the subscription tests: one JSON line per hook call, to the file named by
`SCOPE_RECORDER_PATH`, saying which hook ran and what request scope it saw."""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from gateway.plugins import OperationInfo, OutgoingResponse, RequestScope, SubgraphCall

__all__ = ["ScopeRecorder"]


class ScopeRecorder:
    def __init__(self) -> None:
        path = Path(os.environ["SCOPE_RECORDER_PATH"])
        self._file = path.open("a", encoding="utf-8", buffering=1)  # open for the process

    def _write(self, hook: str, scope: RequestScope | None, **facts: object) -> None:
        seen = {"method": scope.method, "operation": scope.operation_name} if scope else None
        self._file.write(orjson.dumps({"hook": hook, "scope": seen, **facts}).decode() + "\n")

    async def on_operation(self, ctx: OperationInfo) -> None:
        self._write("operation", ctx.scope)

    async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
        self._write("subgraph_request", ctx.scope, service=ctx.service_name)

    async def on_response(self, ctx: OutgoingResponse) -> None:
        self._write("response", ctx.scope)
