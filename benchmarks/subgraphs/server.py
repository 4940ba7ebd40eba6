"""A minimal HTTP/1.1 GraphQL server per subgraph: httptools on uvloop, memoised per body.

The workload's data never changes, so the serialised reply to a given request body never changes
either. Memoising it keeps the subgraphs far below the gateways' cost (a cache hit is one dict
lookup and one socket write), which is what makes the comparison measure gateways, not subgraphs.
Every subgraph counts the GraphQL requests it answers; `GET /stats` returns the count so the
harness can report subgraph calls per query.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import httptools
import orjson
from graphql import GraphQLSchema, graphql_sync

from benchmarks.subgraphs.schema import build_subgraph_schema

__all__ = ["SubgraphApp", "serve_subgraphs"]

_MEMO_SIZE = 4096


class SubgraphApp:
    """One subgraph: its schema, a request counter and the body -> reply memo."""

    def __init__(self, name: str, schema: GraphQLSchema, *, memo: bool = True) -> None:
        self.name = name
        self.schema = schema
        self.requests = 0
        self.executions = 0
        """Requests that ran the schema (the rest were answered from the memo)."""
        self.reply = (
            functools.lru_cache(maxsize=_MEMO_SIZE)(self._execute) if memo else self._execute
        )

    def _execute(self, body: bytes) -> tuple[int, bytes]:
        self.executions += 1
        try:
            payload: dict[str, Any] = orjson.loads(body)
            result = graphql_sync(
                self.schema,
                payload["query"],
                variable_values=payload.get("variables"),
                operation_name=payload.get("operationName"),
            )
        except (orjson.JSONDecodeError, KeyError, TypeError) as error:
            return 400, orjson.dumps({"errors": [{"message": f"bad request: {error}"}]})
        return 200, orjson.dumps(result.formatted)

    def handle(self, method: bytes, path: bytes, body: bytes) -> tuple[int, bytes]:
        if method == b"GET" and path.startswith(b"/stats"):
            return 200, orjson.dumps({"name": self.name, "requests": self.requests})
        if method == b"GET" and path.startswith(b"/health"):
            return 200, b'{"ok":true}'
        if method != b"POST":
            return 405, b'{"errors":[{"message":"POST a GraphQL request"}]}'
        self.requests += 1
        return self.reply(body)


_HEAD = b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n%s\r\n"
_REASONS = {200: b"OK", 400: b"Bad Request", 405: b"Method Not Allowed"}


class _HttpProtocol(asyncio.Protocol):
    """Parses HTTP/1.1 requests with httptools and answers each one synchronously."""

    def __init__(self, app: SubgraphApp) -> None:
        self.app = app
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.url = b""
        self.body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self._write(400, b'{"errors":[{"message":"malformed HTTP"}]}', keep_alive=False)

    def on_message_begin(self) -> None:
        self.url = b""
        self.body = []

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        method = self.parser.get_method()
        status, payload = self.app.handle(method, self.url, b"".join(self.body))
        self._write(status, payload, keep_alive=self.parser.should_keep_alive())

    def _write(self, status: int, payload: bytes, *, keep_alive: bool) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        close = b"" if keep_alive else b"connection: close\r\n"
        head = _HEAD % (status, _REASONS[status], len(payload), close)
        transport.write(head + payload)
        if not keep_alive:
            transport.close()


async def serve_subgraphs(host: str, ports: dict[str, int], *, memo: bool = True) -> None:
    """Serve every named subgraph on its port in this one process until cancelled; without
    `memo` every request executes the schema (the in-process benchmark compares that)."""
    loop = asyncio.get_running_loop()
    servers = []
    for name, port in ports.items():
        app = SubgraphApp(name, build_subgraph_schema(name), memo=memo)
        server = await loop.create_server(
            functools.partial(_HttpProtocol, app), host, port, reuse_address=True, backlog=1024
        )
        servers.append(server)
    print(f"subgraphs ready on {host}: {ports}", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))
