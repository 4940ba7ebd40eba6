"""Liveness and readiness: `/health` says the process answers, `/ready` that it can serve queries.

They are separate so an orchestrator restarts a process only when it is stuck, and sends it
traffic only once a supergraph is loaded (with `--compose`, after the first composition).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gateway.server.responses import json_response
from gateway.server.state import ServingState

__all__ = ["HealthEndpoints"]


class HealthEndpoints:
    """The two operational endpoints, reading the serving state."""

    def __init__(self, state: ServingState) -> None:
        self._state = state

    async def health(self, request: Request) -> Response:
        """Liveness: the event loop runs and answers."""
        return json_response({"status": "ok"})

    async def ready(self, request: Request) -> Response:
        """Readiness: 200 once a supergraph is being served, 503 (with the reason) before."""
        if self._state.gateway is None:
            return json_response(
                {"status": "unavailable", "reason": self._state.not_ready_reason}, 503
            )
        subgraphs = sorted(self._state.gateway.supergraph.subgraphs)
        return json_response({"status": "ready", "subgraphs": subgraphs})
