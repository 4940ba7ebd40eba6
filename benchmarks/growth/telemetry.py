"""What telemetry costs per request: the ASGI app in-process on the standard workload.

`python -m benchmarks.growth.telemetry` builds the gateway's ASGI app once per setting (all off;
metrics; metrics and the JSON access log; traces, metrics and the log) over memoised subgraph
answers, and times the same warm request through each, interleaved in rounds so that machine
noise falls on all of them alike. The transport calls the app's fetch observer as the HTTP
transport does (seven subgraph requests per query), so the per-fetch hooks are in the numbers.
Traces go to a local OTLP/HTTP sink that answers 200 to everything.

Whole requests vary by a few percent between runs on a shared machine, more than "off" could
ever cost, so `measure_hooks_off` times the hooks themselves when nothing is on: the document,
validation and plan hooks against the calls they wrap (about 0.2 us per request on the
2026-12-05 machine, against a request of 1-2 ms).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import logging
import statistics
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

from benchmarks.growth.transport import MemoTransport
from benchmarks.subgraphs.schema import build_subgraph_schema
from benchmarks.workload import SUBGRAPH_NAMES, SUPERGRAPH, query_text

__all__ = ["measure_hooks_off", "measure_telemetry"]


class _ObservedTransport:
    """`MemoTransport` reporting each request to the app's observer, as `HttpTransport` does."""

    def __init__(self, inner: MemoTransport) -> None:
        self._inner = inner
        self.observer: Any = None

    async def fetch(self, service_name: str, request: Any) -> Any:
        observer = self.observer
        if observer is None:
            return await self._inner.fetch(service_name, request)
        probe = observer.begin(service_name, "http://127.0.0.1/graphql")
        probe.headers(request.headers)
        result = await self._inner.fetch(service_name, request)
        probe.end(200, 1000, None)
        return result


@contextlib.contextmanager
def _sink() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _configs(otlp: str) -> dict[str, Any]:
    from gateway.config import Config

    try:
        from gateway.config import LogsConfig, MetricsConfig, TelemetryConfig
    except ImportError:  # a gateway from before telemetry
        return {"off": Config()}
    off = MetricsConfig(enabled=False)
    traces = TelemetryConfig(endpoint=otlp)
    json_log = LogsConfig(access="json")
    return {
        "off": Config(metrics=off),
        "metrics": Config(),
        "metrics+log": Config(logs=json_log),
        "traces": Config(telemetry=traces, metrics=off),
        "traces+metrics+log": Config(telemetry=traces, logs=json_log),
    }


async def _call(app: Any, body: bytes, headers: tuple[tuple[bytes, bytes], ...] = ()) -> int:
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "scheme": "http",
        "query_string": b"",
        "headers": [
            (b"content-type", b"application/json"),
            (b"accept", b"application/json"),
            *headers,
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 4000),
    }
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return int(sent[0]["status"])


async def _measure(rounds: int, per_round: int) -> dict[str, Any]:
    from gateway.server.app import create_app
    from gateway.supergraph import SupergraphProblems, load_supergraph

    supergraph = load_supergraph(SUPERGRAPH.read_text())
    if isinstance(supergraph, SupergraphProblems):
        raise RuntimeError(f"workload supergraph does not load: {supergraph}")
    memo = MemoTransport({name: build_subgraph_schema(name) for name in SUBGRAPH_NAMES})
    body = orjson.dumps({"query": query_text(), "operationName": "TestQuery"})
    with _sink() as otlp:
        apps = {}
        for name, config in _configs(otlp).items():
            transport = _ObservedTransport(memo)
            app = create_app(config, supergraph=supergraph, transport=transport)
            telemetry = getattr(app.state, "telemetry", None)
            transport.observer = telemetry.observer if telemetry is not None else None
            for _ in range(30):  # warm: cached document, plan, shapes and answers
                assert await _call(app, body) == 200
            apps[name] = app
        # As `gateway serve` does (gateway/server/serve.py): freeze start-up, fewer collections.
        gc.collect()
        gc.freeze()
        gc.set_threshold(100_000, *gc.get_threshold()[1:])
        samples: dict[str, list[float]] = {name: [] for name in apps}
        order = list(apps.items())
        for turn in range(rounds):
            for name, app in order[turn % len(order) :] + order[: turn % len(order)]:
                start = time.perf_counter()
                for _ in range(per_round):
                    await _call(app, body)
                samples[name].append((time.perf_counter() - start) / per_round)
        for app in apps.values():
            telemetry = getattr(app.state, "telemetry", None)
            if telemetry is not None:
                telemetry.shutdown()
    result = {name: statistics.median(found) * 1e6 for name, found in samples.items()}
    base = result["off"]
    for name, micros in result.items():
        print(f"  {name:>20}: {micros:8.1f} us/request  ({micros - base:+6.1f} us vs off)")
    return {"us_per_request": result, "rounds": rounds, "per_round": per_round}


def measure_telemetry(*, rounds: int = 15, per_round: int = 40) -> dict[str, Any]:
    """Median microseconds per warm request for each telemetry setting."""
    logging.getLogger("gateway.access").handlers[:] = [logging.StreamHandler(io.StringIO())]
    logging.getLogger("gateway.access").propagate = False
    return asyncio.run(_measure(rounds, per_round))


def measure_hooks_off(calls: int = 200_000) -> dict[str, float]:
    """Nanoseconds the telemetry hooks add per request with traces, metrics and logs off."""
    import timeit

    from gateway.config import Config, MetricsConfig
    from gateway.runtime import Gateway
    from gateway.supergraph import SupergraphProblems, load_supergraph
    from gateway.telemetry import Telemetry

    supergraph = load_supergraph(SUPERGRAPH.read_text())
    if isinstance(supergraph, SupergraphProblems):
        raise RuntimeError(f"workload supergraph does not load: {supergraph}")
    gateway = Gateway(supergraph, MemoTransport({}))
    query = query_text()
    for _ in range(3):  # kept from the second sighting: now a cache hit
        document = gateway.document(query, "TestQuery")
    operation = gateway.validated(document)
    telemetry = Telemetry(Config(metrics=MetricsConfig(enabled=False)))
    assert not telemetry.active
    names = {"g": gateway, "t": telemetry, "q": query, "d": document, "v": operation}

    def best(statement: str) -> float:
        runs = timeit.repeat(statement, globals=names, number=calls, repeat=7)
        return min(runs) / calls * 1e9

    added = {
        "document": best("t.document(g, q, 'TestQuery')") - best("g.document(q, 'TestQuery')"),
        "validated": best("t.validated(g, d)") - best("g.validated(d)"),
        "plan": best("t.plan(g, v)"),
        "active": best("t.active"),
    }
    for name, nanos in added.items():
        print(f"  {name:>10}: {nanos:6.1f} ns")
    print(f"  off in all: {sum(added.values()):.0f} ns per request")
    return added


if __name__ == "__main__":
    print("telemetry hooks with everything off:")
    measure_hooks_off()
    print("whole warm requests through the ASGI app:")
    measure_telemetry()
