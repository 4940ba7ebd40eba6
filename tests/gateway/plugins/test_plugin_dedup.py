"""Plugins with `performance.inbound_dedup`: identical requests in flight share one execution,
so the subgraph hooks run once, in the scope of the request that started it, while every
request runs its own request hooks (docs/plugins.md, "Plugins and inbound deduplication")."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from gateway.plugins import OperationInfo, OutgoingResponse, SubgraphCall
from tests.gateway.plugins.plugged_app import ask, people_transport, plugged_app

CLIENTS = 4
QUERY = 'query Who { header(name: "x-who") }'


class Gate:
    """Holds the first subgraph request until every client's operation has been admitted, so
    the identical requests are all in flight together (no timing involved)."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.operations = 0
        self.subgraph_requests: list[str] = []
        self.responses = 0
        self.everyone_in = asyncio.Event()

    async def on_operation(self, ctx: OperationInfo) -> None:
        self.operations += 1
        if self.operations == self.expected:
            self.everyone_in.set()

    async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
        assert ctx.scope is not None
        who = ctx.scope.headers.get("x-who", "")
        self.subgraph_requests.append(who)
        ctx.headers["x-who"] = who  # what a per-client header rule in a plugin would do
        await asyncio.wait_for(self.everyone_in.wait(), 10)

    async def on_response(self, ctx: OutgoingResponse) -> None:
        self.responses += 1


async def _together(gate: Gate, headers: Sequence[Mapping[str, str]], dedup: bool) -> list[object]:
    app = plugged_app([gate], people_transport(), **{"performance.inbound_dedup": str(dedup)})
    answers = await asyncio.gather(*(ask(app, QUERY, headers=h) for h in headers))
    return [body["data"]["header"] for _, _, body in answers]


async def test_shared_executions_run_subgraph_hooks_once_in_the_first_scope() -> None:
    gate = Gate(CLIENTS)
    senders = [{"x-who": f"client-{i}"} for i in range(CLIENTS)]
    answers = await _together(gate, senders, dedup=True)
    assert gate.subgraph_requests == ["client-0"]  # once, with the first request's scope
    assert answers == ["client-0"] * CLIENTS  # a plugin-set header is not part of the key
    assert gate.operations == gate.responses == CLIENTS  # request hooks: every request


async def test_without_dedup_every_request_runs_its_subgraph_hooks() -> None:
    gate = Gate(CLIENTS)
    senders = [{"x-who": f"client-{i}"} for i in range(CLIENTS)]
    answers = await _together(gate, senders, dedup=False)
    assert sorted(gate.subgraph_requests) == [f"client-{i}" for i in range(CLIENTS)]
    assert answers == [f"client-{i}" for i in range(CLIENTS)]


async def test_credentials_keep_executions_apart_even_when_not_forwarded() -> None:
    gate = Gate(CLIENTS)
    senders = [{"x-who": f"client-{i}", "authorization": f"Bearer {i % 2}"} for i in range(CLIENTS)]
    answers = await _together(gate, senders, dedup=True)
    assert sorted(gate.subgraph_requests) == ["client-0", "client-1"]  # one per credential
    assert answers == ["client-0", "client-1", "client-0", "client-1"]


async def test_headers_forwarded_by_the_setting_keep_executions_apart() -> None:
    gate = Gate(CLIENTS)
    app = plugged_app(
        [gate],
        people_transport(),
        **{"performance.inbound_dedup": "true", "headers.forward": "x-who"},
    )
    senders = [{"x-who": f"client-{i % 2}"} for i in range(CLIENTS)]
    answers = await asyncio.gather(*(ask(app, QUERY, headers=h) for h in senders))
    assert sorted(gate.subgraph_requests) == ["client-0", "client-1"]
    assert [body["data"]["header"] for _, _, body in answers] == [
        "client-0",
        "client-1",
        "client-0",
        "client-1",
    ]
