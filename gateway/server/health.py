"""Liveness and readiness: `/health` says the process answers, `/ready` that it can serve queries.

They are separate so an orchestrator restarts a process only when it is stuck, and sends it
traffic only when it can serve. Ready means, as in Hive Gateway: a supergraph is loaded (with
`--compose`, after the first composition) AND every required subgraph answers a `{ __typename }`
probe over the gateway's own transport within `PROBE_SECONDS`. Required are the subgraphs in
`readiness.subgraphs`, or all of them when that is unset; a deployment lists only the ones
without which nothing can be served (the Accounts Center: accounts), because a gateway that
goes unready for every missing subgraph turns one subgraph's outage into a whole outage,
instead of partial data. A subgraph whose own dependency (its database) is down says so on its
own health check; the gateway's readiness is about what the gateway itself can reach.

Both answer within a second whatever the subgraphs do: probes are bounded, run concurrently,
and one round of probes is shared by every `/ready` call for `PROBE_REUSE_SECONDS`.

`/ready`'s body names the supergraph served (`supergraph`: the short sha256 of its SDL), so a
rollout can check that every replica serves the new one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from starlette.requests import Request
from starlette.responses import Response

from gateway.server.negotiation import JSON
from gateway.server.responses import RETRY_HEADERS, graphql_response, json_response
from gateway.server.state import ServingState
from gateway.transports import SubgraphRequest, SubgraphResponse, Transport

__all__ = ["HealthEndpoints"]

PROBE_SECONDS = 0.8
PROBE_REUSE_SECONDS = 1.0
_PROBE = SubgraphRequest(query="query __GatewayReadiness { __typename }")


class HealthEndpoints:
    """The two operational endpoints, reading the serving state."""

    def __init__(self, state: ServingState) -> None:
        self._state = state
        self._probe: asyncio.Task[list[str]] | None = None
        self._probed_at = float("-inf")
        self._probed: tuple[str, ...] = ()

    async def health(self, request: Request) -> Response:
        """Liveness: the event loop runs and answers."""
        return json_response({"status": "ok"})

    async def ready(self, request: Request) -> Response:
        """Readiness: 200 when the supergraph is served and required subgraphs answer, else 503."""
        gateway = self._state.gateway
        if gateway is None:
            return _unavailable(self._state.not_ready_reason)
        subgraphs = sorted(gateway.supergraph.subgraphs)
        wanted = self._state.config.readiness.subgraphs
        required = tuple(subgraphs if wanted is None else (s for s in subgraphs if s in wanted))
        served = self._state.hash_of(gateway)
        down = await self._down(required)
        if down:
            reason = "required subgraphs do not answer: " + ", ".join(down)
            return _unavailable(reason, down, served)
        return json_response({"status": "ready", "supergraph": served, "subgraphs": subgraphs})

    async def _down(self, required: tuple[str, ...]) -> list[str]:
        """The required subgraphs that did not answer the latest probe (one round at a time)."""
        if not required:
            return []
        loop = asyncio.get_running_loop()
        probe = self._probe
        fresh = loop.time() - self._probed_at < PROBE_REUSE_SECONDS
        if probe is None or (probe.done() and not (fresh and self._probed == required)):
            probe = self._probe = asyncio.ensure_future(_probe(self._state.transport, required))
            self._probed_at, self._probed = loop.time(), required
        return list(await asyncio.shield(probe))


async def _probe(transport: Transport, names: Iterable[str]) -> list[str]:
    """Ask every subgraph for `__typename` at once; the names of those that did not answer."""
    names = tuple(names)
    tasks = [asyncio.ensure_future(transport.fetch(name, _PROBE)) for name in names]
    await asyncio.wait(tasks, timeout=PROBE_SECONDS)
    down: list[str] = []
    for name, task in zip(names, tasks, strict=True):
        if not task.done():
            task.cancel()
            down.append(name)
        elif task.cancelled() or task.exception() is not None or not _answered(task.result()):
            down.append(name)
    return down


def _answered(result: object) -> bool:
    return isinstance(result, SubgraphResponse) and isinstance(result.data, dict)


def _unavailable(
    reason: str, subgraphs: list[str] | None = None, served: str | None = None
) -> Response:
    body: dict[str, object] = {"status": "unavailable", "reason": reason}
    if served is not None:
        body["supergraph"] = served
    if subgraphs:
        body["down"] = subgraphs
    return graphql_response(body, 503, JSON, RETRY_HEADERS)
